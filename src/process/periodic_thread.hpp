#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace nedlia::process {

/// Runs `round` on a thread of its own, first after `first_wait`, then each time after the wait
/// the previous round returned, until destroyed. Background upkeep of a server: the destructor
/// wakes the thread from its wait and joins it (a round in progress finishes first).
class PeriodicThread {
 public:
  using Round = std::function<std::chrono::milliseconds()>;

  PeriodicThread(std::chrono::milliseconds first_wait, Round round);
  ~PeriodicThread();
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

 private:
  void Loop(std::chrono::milliseconds wait);

  Round round_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  ///< last: started once everything it uses exists
};

}  // namespace nedlia::process
