#include "pg/deadline_watchdog.hpp"

#include <algorithm>

namespace nedlia::pg {

DeadlineWatchdog::DeadlineWatchdog() : thread_([this] { Run(); }) {}

DeadlineWatchdog::~DeadlineWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  thread_.join();
}

DeadlineWatchdog::Watch::Watch(DeadlineWatchdog* watchdog, Connection& connection,
                               Clock::time_point deadline)
    : watchdog_(deadline == Clock::time_point::max() ? nullptr : watchdog) {
  if (watchdog_ == nullptr)
    return;
  std::lock_guard lock(watchdog_->mutex_);
  entry_ = watchdog_->entries_.emplace(deadline, &connection);
}

DeadlineWatchdog::Watch::~Watch() {
  if (watchdog_ == nullptr)
    return;
  // Under the lock: once this returns, the watchdog no longer touches the connection.
  std::lock_guard lock(watchdog_->mutex_);
  watchdog_->entries_.erase(entry_);
}

void DeadlineWatchdog::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // Entries already cancelled (null) stay, at the front, until their Watch goes.
    auto next = entries_.begin();
    while (next != entries_.end() && next->second == nullptr)
      ++next;
    const Clock::time_point now = Clock::now();
    if (next == entries_.end() || now < next->first) {
      // Registering never wakes this thread (that would cost every request a context switch
      // on a busy machine), so it looks again at least every kTick.
      const Clock::time_point wake =
          next == entries_.end() ? now + kTick : std::min(next->first, now + kTick);
      stop_.wait_until(lock, wake);
    } else {
      // Under the lock, so that the owner cannot hand the connection back to the pool
      // meanwhile.
      next->second->RequestCancel();
      next->second = nullptr;
    }
  }
}

}  // namespace nedlia::pg
