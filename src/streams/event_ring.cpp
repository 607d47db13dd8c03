#include "streams/event_ring.hpp"

#include <algorithm>

namespace nedlia::streams {

void EventRing::Reset(app::LogPosition top) {
  events_.clear();
  bytes_ = 0;
  floor_ = top_ = top;
  synced_ = true;
}

void EventRing::Clear() {
  events_.clear();
  bytes_ = 0;
  synced_ = false;
}

void EventRing::Append(std::vector<SharedEvent> events, app::LogPosition covered) {
  for (SharedEvent& event : events) {
    bytes_ += event.Bytes();
    events_.push_back(std::move(event));
  }
  top_ = std::max(top_, covered);
  Evict();
}

std::vector<const SharedEvent*> EventRing::After(app::LogPosition cursor) const {
  const auto first = std::upper_bound(
      events_.begin(), events_.end(), cursor,
      [](const app::LogPosition& at, const SharedEvent& event) { return at < event.at; });
  std::vector<const SharedEvent*> after;
  after.reserve(static_cast<std::size_t>(events_.end() - first));
  for (auto it = first; it != events_.end(); ++it)
    after.push_back(&*it);
  return after;
}

void EventRing::Evict() {
  while (!events_.empty() && (events_.size() > max_events_ || bytes_ > max_bytes_)) {
    // Everything up to the evicted event is now only in the database.
    floor_ = events_.front().at;
    bytes_ -= events_.front().Bytes();
    events_.pop_front();
  }
}

}  // namespace nedlia::streams
