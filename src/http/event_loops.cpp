#include "http/event_loops.hpp"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <exception>

namespace nedlia::http {

EventLoops::EventLoops(std::size_t count) {
  for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));  // one thread: no locking
    guards_.emplace_back(loops_.back()->get_executor());
  }
}

EventLoops::~EventLoops() {
  Finish();
  Join();
}

void EventLoops::Start() {
  for (auto& loop : loops_) {
    threads_.emplace_back([&loop] {
      pthread_setname_np(pthread_self(), "nedlia-io");  // for top -H, perf and gdb
      try {
        loop->run();
      } catch (const std::exception& error) {
        spdlog::error("an HTTP event loop failed: {}", error.what());
      }
    });
  }
}

boost::asio::io_context& EventLoops::Next() {
  boost::asio::io_context& loop = *loops_[next_];
  next_ = (next_ + 1) % loops_.size();
  return loop;
}

void EventLoops::Finish() {
  for (auto& guard : guards_)
    guard.reset();
}

void EventLoops::Abandon() {
  Finish();
  for (auto& loop : loops_)
    loop->stop();
}

void EventLoops::Join() {
  for (std::thread& thread : threads_) {
    if (thread.joinable())
      thread.join();
  }
}

}  // namespace nedlia::http
