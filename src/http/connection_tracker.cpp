#include "http/connection_tracker.hpp"

#include <utility>
#include <vector>

namespace nedlia::http {

ConnectionTracker::ConnectionTracker(std::function<void()> on_drained)
    : on_drained_(std::move(on_drained)) {}

std::uint64_t ConnectionTracker::Add(CloseIfIdle close_if_idle) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  entries_.emplace(id, Entry{std::move(close_if_idle), false});
  return id;
}

void ConnectionTracker::Remove(std::uint64_t id) {
  bool drained = false;
  {
    const std::lock_guard lock(mutex_);
    drained = entries_.erase(id) == 1 && stopping_ && entries_.empty();
  }
  if (drained) {
    on_drained_();
  }
}

bool ConnectionTracker::MarkIdle(std::uint64_t id) {
  const std::lock_guard lock(mutex_);
  if (stopping_) {
    return false;
  }
  const auto it = entries_.find(id);
  if (it != entries_.end()) {
    it->second.idle = true;
  }
  return true;
}

void ConnectionTracker::MarkBusy(std::uint64_t id) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it != entries_.end()) {
    it->second.idle = false;
  }
}

bool ConnectionTracker::IsIdle(std::uint64_t id) const {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  return it != entries_.end() && it->second.idle;
}

bool ConnectionTracker::Stopping() const {
  const std::lock_guard lock(mutex_);
  return stopping_;
}

std::size_t ConnectionTracker::BeginStop() {
  std::vector<std::pair<std::uint64_t, CloseIfIdle>> to_close;
  std::size_t open = 0;
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    open = entries_.size();
    for (const auto& [id, entry] : entries_) {
      if (entry.idle) {
        to_close.emplace_back(id, entry.close_if_idle);
      }
    }
  }
  // Outside the lock: the callbacks post to the connections, which take the lock themselves.
  for (const auto& [id, close] : to_close) {
    close(id);
  }
  return open;
}

std::size_t ConnectionTracker::Count() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace nedlia::http
