#include "pg/deadline_watchdog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

namespace nedlia::pg {

DeadlineWatchdog::DeadlineWatchdog()
    : thread_([this] { Run(); }), canceller_([queue = cancels_] { SendCancels(*queue); }) {}

DeadlineWatchdog::~DeadlineWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_one();
  thread_.join();
  {
    std::lock_guard lock(cancels_->mutex);
    cancels_->stopping = true;
  }
  cancels_->waiting.notify_one();
  // A cancel the network holds up keeps that thread until it fails (TCP gives up) or the
  // server answers: never wait for it at shutdown. It holds the queue it needs.
  canceller_.detach();
}

DeadlineWatchdog::Watch::Watch(DeadlineWatchdog* watchdog, Connection& connection,
                               Clock::time_point deadline)
    : watchdog_(deadline == Clock::time_point::max() ? nullptr : watchdog),
      connection_(&connection) {
  if (watchdog_ == nullptr)
    return;
  std::lock_guard lock(watchdog_->mutex_);
  entry_ = watchdog_->entries_.emplace(deadline, this);
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
    const Clock::time_point now = Clock::now();
    const auto next = entries_.begin();  // abandoned watches wait at the end, keyed max()
    if (next == entries_.end() || now < next->first) {
      // Registering never wakes this thread (that would cost every request a context switch
      // on a busy machine), so it looks again at least every kTick.
      const Clock::time_point wake =
          next == entries_.end() ? now + kTick : std::min(next->first, now + kTick);
      stop_.wait_until(lock, wake);
    } else {
      Step(*next->second, now);
    }
  }
}

void DeadlineWatchdog::Step(Watch& watch, Clock::time_point now) {
  // Under the lock, so that the owner cannot hand the connection back to the pool meanwhile.
  Clock::time_point again = Clock::time_point::max();
  if (watch.stage_ == Watch::Stage::kRunning) {
    {
      std::lock_guard queue(cancels_->mutex);
      cancels_->requests.push_back(watch.connection_->PrepareCancel());
    }
    cancels_->waiting.notify_one();
    watch.stage_ = Watch::Stage::kCancelled;
    again = now + kAbandonAfter;
  } else {
    spdlog::warn("a statement still ran {} ms after its cancel: its connection is abandoned",
                 kAbandonAfter.count());
    watch.connection_->Abandon();
    watch.stage_ = Watch::Stage::kAbandoned;
  }
  entries_.erase(watch.entry_);
  watch.entry_ = entries_.emplace(again, &watch);
}

void DeadlineWatchdog::SendCancels(CancelQueue& queue) {
  std::unique_lock lock(queue.mutex);
  while (true) {
    queue.waiting.wait(lock, [&queue] { return queue.stopping || !queue.requests.empty(); });
    if (queue.stopping)
      return;
    const CancelRequest cancel = std::move(queue.requests.front());
    queue.requests.pop_front();
    lock.unlock();
    std::string error;
    if (!cancel.Send(error))
      spdlog::warn("could not cancel a statement: {}", error);
    lock.lock();
  }
}

}  // namespace nedlia::pg
