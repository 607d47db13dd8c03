#pragma once
// Internal to src/http (included by server.cpp only).

#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <utility>  // before any Boost.Asio header: 1.74's awaitable.hpp needs std::exchange
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace nedlia::http {

/// The event loops connections live on: one io_context per thread (so a connection's handlers
/// never run concurrently and need no strand), each kept running while the server runs.
class EventLoops {
 public:
  explicit EventLoops(std::size_t count);
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;
  EventLoops(EventLoops&&) = delete;
  EventLoops& operator=(EventLoops&&) = delete;
  /// Joins the threads (after Finish or Abandon).
  ~EventLoops();

  /// Starts the threads.
  void Start();
  /// The loop for the next connection (round robin).
  boost::asio::io_context& Next();
  /// Lets each loop's thread end once its connections have (no more keeping them alive).
  void Finish();
  /// Stops every loop now: their threads end, leaving connections as they are.
  void Abandon();
  /// Waits for the threads to end.
  void Join();

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<std::optional<Guard>> guards_;
  std::vector<std::thread> threads_;
  std::size_t next_ = 0;
};

}  // namespace nedlia::http
