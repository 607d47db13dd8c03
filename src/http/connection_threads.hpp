#pragma once
// Internal to src/http (included by server.cpp only).

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>  // before any Boost.Asio header: 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/session.hpp"

namespace nedlia::http {

/// The threads serving connections: one per connection, each running a private io_context
/// with the connection's session, so that a handler blocking on the database holds up nobody
/// else and a request never changes threads. Thread-safe.
class ConnectionThreads {
 public:
  ConnectionThreads() = default;
  ConnectionThreads(const ConnectionThreads&) = delete;
  ConnectionThreads& operator=(const ConnectionThreads&) = delete;
  /// Waits for every thread (StopAll first to abandon their connections).
  ~ConnectionThreads() { WaitAll(); }

  /// The io_context a new connection's socket must be created on, before Start.
  static std::shared_ptr<boost::asio::io_context> NewLoop();
  /// Serves `socket`, created on `loop`, on a new thread. Throws std::system_error when no
  /// thread can be started; the connection then closes once the caller drops `loop`.
  void Start(std::shared_ptr<boost::asio::io_context> loop, boost::asio::ip::tcp::socket socket,
             SessionContext context);
  /// Stops every connection's io_context: each thread ends once its handler (if one runs)
  /// returns, abandoning the connection.
  void StopAll();
  /// Blocks until every connection thread has ended.
  void WaitAll();

 private:
  void Finished(std::uint64_t id);

  std::mutex mutex_;
  std::condition_variable all_done_;
  // Weak: the thread owns its loop and destroys it (with whatever the session left) itself.
  std::unordered_map<std::uint64_t, std::weak_ptr<boost::asio::io_context>> running_;
  std::uint64_t next_id_ = 1;
};

}  // namespace nedlia::http
