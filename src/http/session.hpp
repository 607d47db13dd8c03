#pragma once
// Internal to src/http (included by server.cpp and session.cpp only): Asio types may appear
// here, Beast may not.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
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

/// An answer a request running on a loop owes its connection's coroutine (see session.cpp).
class OwedReply {
 public:
  virtual ~OwedReply() = default;
  /// Gives up the coroutine waiting for the answer, which its loop then destroys.
  virtual void Abandon() noexcept = 0;
};

/// Open while the event loops run. What wakes a request's fiber from another thread (a database
/// lane) posts through it, and so does the fiber's answer: after Close, both are dropped instead
/// of posted to a loop that is going or gone (a request abandoned at shutdown). Close also gives
/// up every answer still owed, while the loops exist, so that their connections' coroutines are
/// destroyed with their loops and not kept by a fiber that will never run again. Thread-safe.
class LoopGate {
 public:
  /// Calls `post` unless the gate is closed; false when closed.
  bool Through(const std::function<void()>& post) {
    const std::lock_guard lock(mutex_);
    if (closed_)
      return false;
    post();
    return true;
  }
  void Owe(OwedReply* reply) {
    const std::lock_guard lock(mutex_);
    owed_.insert(reply);
  }
  /// Calls `post` (the answer) and forgets `reply`, unless the gate is closed.
  bool Settle(OwedReply* reply, const std::function<void()>& post) {
    const std::lock_guard lock(mutex_);
    if (closed_)
      return false;
    owed_.erase(reply);
    post();
    return true;
  }
  void Forget(OwedReply* reply) {
    const std::lock_guard lock(mutex_);
    owed_.erase(reply);
  }
  void Close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    for (OwedReply* reply : owed_)
      reply->Abandon();
    owed_.clear();
  }

 private:
  std::mutex mutex_;
  bool closed_ = false;
  std::unordered_set<OwedReply*> owed_;
};

/// The server's counters that sessions update (see ServerStats).
struct SessionCounters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> shed{0};
  std::atomic<std::uint64_t> timed_out{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::size_t> refusals_in_progress{0};
  std::atomic<std::size_t> on_loop{0};  ///< requests in a fiber on an event loop now
};

/// What every connection shares with the server that accepted it (which outlives them all).
struct SessionContext {
  const ServerOptions* options;
  const Handler* handler;
  ConnectionRegistry* registry;
  WorkerPool* workers;
  BodyBudget* bodies;
  SessionCounters* counters;
  std::shared_ptr<LoopGate> loops_open;
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
