#pragma once
// Internal to src/http (included by server.cpp and session.cpp only): Asio types may appear
// here, Beast may not.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>  // before any Boost.Asio header: 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/connection_registry.hpp"
#include "http/handler.hpp"
#include "http/server.hpp"
#include "http/worker_pool.hpp"

namespace nedlia::http {

/// Bytes of request bodies held in memory, against a process-wide budget. Thread-safe.
class BodyBudget {
 public:
  explicit BodyBudget(std::size_t limit) : limit_(limit) {}
  /// Takes `bytes` from the budget; false (and nothing taken) when they do not fit.
  bool Reserve(std::size_t bytes);
  void Release(std::size_t bytes) { used_.fetch_sub(bytes); }

 private:
  std::size_t limit_;
  std::atomic<std::size_t> used_{0};
};

/// The server's counters that sessions update (see ServerStats).
struct SessionCounters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> shed{0};
  std::atomic<std::uint64_t> timed_out{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::size_t> refusals_in_progress{0};
};

/// What every connection shares with the server that accepted it (which outlives them all).
struct SessionContext {
  const ServerOptions* options;
  const Handler* handler;
  ConnectionRegistry* registry;
  WorkerPool* workers;
  BodyBudget* bodies;
  SessionCounters* counters;
};

/// Serves HTTP/1.1 requests on `socket`, admitted as connection `id`, until the peer closes, a
/// timeout, a protocol error, eviction or shutdown. Reads and writes on the socket's executor;
/// each request's handler runs on a worker. Spawn it on the socket's executor.
boost::asio::awaitable<void> ServeConnection(SessionContext context,
                                             boost::asio::ip::tcp::socket socket, std::uint64_t id);

/// Answers a connection that was not admitted with `status` (503: the server is full; 429: its
/// address has too many connections), then closes it after a short linger.
boost::asio::awaitable<void> RefuseConnection(SessionContext context,
                                              boost::asio::ip::tcp::socket socket, int status);

}  // namespace nedlia::http
