#include "streams/stream_slots.hpp"

#include "app/errors.hpp"

namespace nedlia::streams {

void StreamSlots::Acquire(const std::string& key_hash) {
  const std::lock_guard lock(mutex_);
  if (open_ >= max_open_) {
    metrics_.refused_full.Increment();
    throw app::Error(app::ErrorKind::kUnavailable,
                     "this server holds its maximum of event streams; retry shortly");
  }
  int& held = per_key_[key_hash];
  if (held >= max_per_key_) {
    metrics_.refused_key_cap.Increment();
    throw app::Error(app::ErrorKind::kTooManyRequests, "this API key holds its maximum of " +
                                                           std::to_string(max_per_key_) +
                                                           " open event streams; close one first");
  }
  ++held;
  metrics_.open_streams.Set(++open_);
}

void StreamSlots::Release(const std::string& key_hash) {
  const std::lock_guard lock(mutex_);
  const auto it = per_key_.find(key_hash);
  if (it == per_key_.end())
    return;
  if (--it->second == 0)
    per_key_.erase(it);
  metrics_.open_streams.Set(--open_);
}

int StreamSlots::Open() const {
  const std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace nedlia::streams
