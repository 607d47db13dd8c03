#pragma once
// An event loop for fibers, run by a test's own thread: posted tasks, timers, and a thread per
// fiber that leaves the loop.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "process/fiber.hpp"

namespace nedlia::testing {

/// An event loop run by the test's own thread: posted tasks, timers, and threads to block on.
class TestLoop {
 public:
  using Clock = std::chrono::steady_clock;

  ~TestLoop() {
    for (std::thread& thread : blocking_)
      thread.join();
  }

  void Post(std::function<void()> task) {
    {
      const std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    posted_.notify_one();
  }

  std::shared_ptr<void> PostAt(Clock::time_point at, std::function<void()> task) {
    auto timer = std::make_shared<Timer>(Timer{at, std::move(task), false});
    timers_.push_back(timer);
    return {timer.get(), [timer](void*) { timer->cancelled = true; }};
  }

  bool PostToBlockingThread(std::function<void()> task) {
    if (!take_blocking)
      return false;
    blocking_.emplace_back(std::move(task));
    return true;
  }

  /// Runs what is posted and due on this thread until `done` holds; false after `limit`.
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const Clock::time_point give_up = Clock::now() + limit;
    while (!done()) {
      if (Clock::now() > give_up)
        return false;
      RunDueTimers();
      std::unique_lock lock(mutex_);
      if (tasks_.empty()) {
        posted_.wait_for(lock, std::chrono::milliseconds(1));
        continue;
      }
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
    }
    return true;
  }

  bool take_blocking = true;

 private:
  struct Timer {
    Clock::time_point at;
    std::function<void()> task;
    bool cancelled;
  };

  void RunDueTimers() {
    std::vector<std::shared_ptr<Timer>> due;
    std::erase_if(timers_, [&](const std::shared_ptr<Timer>& timer) {
      if (timer->cancelled)
        return true;
      if (timer->at > Clock::now())
        return false;
      due.push_back(timer);
      return true;
    });
    for (const auto& timer : due)
      timer->task();
  }

  std::mutex mutex_;
  std::condition_variable posted_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::shared_ptr<Timer>> timers_;
  std::vector<std::thread> blocking_;
};

class TestHost final : public process::FiberHost {
 public:
  explicit TestHost(TestLoop& loop) : loop_(loop) {}
  void Post(std::function<void()> task) override { loop_.Post(std::move(task)); }
  std::shared_ptr<void> PostAt(Clock::time_point at, std::function<void()> task) override {
    return loop_.PostAt(at, std::move(task));
  }
  bool PostToBlockingThread(std::function<void()> task) override {
    return loop_.PostToBlockingThread(std::move(task));
  }

 private:
  TestLoop& loop_;
};

}  // namespace nedlia::testing
