#include "support/body_driver.hpp"

namespace nedlia::testing {

BodyDriver::BodyDriver(std::shared_ptr<http::BodySource> source) : source_(std::move(source)) {
  source_->Start([signal = signal_] {
    const std::lock_guard lock(signal->mutex);
    if (signal->stopped)
      ++signal->wakes_after_stop;
    signal->pending = true;
    signal->woken.notify_all();
  });
}

BodyDriver::~BodyDriver() {
  if (!ended_ && !stopped_)
    Stop(http::StreamEnd::kClientGone);
}

const std::string& BodyDriver::TakeUntil(std::string_view needle,
                                         std::chrono::milliseconds timeout) {
  return TakeUntil(
      [needle](const std::string& received) { return received.find(needle) != std::string::npos; },
      timeout);
}

const std::string& BodyDriver::TakeUntil(const std::function<bool(const std::string&)>& done,
                                         std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!done(received_) && !ended_ && !stopped_ && TakeOnce(deadline)) {
  }
  return received_;
}

bool BodyDriver::TakeUntilEnd(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!ended_ && !stopped_ && TakeOnce(deadline)) {
  }
  return ended_;
}

std::string BodyDriver::Stop(http::StreamEnd why) {
  const Clock::time_point started = Clock::now();
  std::string farewell = source_->Stop(why);
  stop_took_ = Clock::now() - started;
  const std::lock_guard lock(signal_->mutex);
  signal_->stopped = stopped_ = true;
  return farewell;
}

int BodyDriver::WakesAfterStop() const {
  const std::lock_guard lock(signal_->mutex);
  return signal_->wakes_after_stop;
}

bool BodyDriver::TakeOnce(Clock::time_point deadline) {
  {
    std::unique_lock lock(signal_->mutex);
    if (!signal_->woken.wait_until(lock, deadline, [this] { return signal_->pending; }))
      return false;
    signal_->pending = false;
  }
  ended_ = !source_->Take(received_);
  return true;
}

}  // namespace nedlia::testing
