#pragma once

#include <cstddef>
#include <deque>
#include <vector>

#include "streams/shared_event.hpp"

namespace nedlia::streams {

/// The most recent events of the whole log, as the tail read them, bounded by count and bytes.
/// While synced it holds every event after Floor up to Top (Top may be past the last event: the
/// tail has seen that nothing else is final below it), so a subscriber that has seen
/// everything it wants up to Floor can be served the rest from here, without the database.
/// Not thread-safe: the hub locks.
class EventRing {
 public:
  EventRing(std::size_t max_events, std::size_t max_bytes)
      : max_events_(max_events), max_bytes_(max_bytes) {}

  bool Synced() const { return synced_; }
  /// Empty and synced at `top`: the tail reads on from there.
  void Reset(app::LogPosition top);
  /// Forgets everything: not synced until the next Reset.
  void Clear();
  /// Adds the tail's next events (all after Top) and moves Top to `covered`; the oldest go past
  /// the bounds, each raising Floor to its position.
  void Append(std::vector<SharedEvent> events, app::LogPosition covered);

  /// Every event after it (up to Top) is in the ring.
  app::LogPosition Floor() const { return floor_; }
  /// The tail has seen every final event up to it.
  app::LogPosition Top() const { return top_; }
  /// The events after `cursor`, oldest first; valid until the ring changes.
  std::vector<const SharedEvent*> After(app::LogPosition cursor) const;
  /// Events held.
  std::size_t Size() const { return events_.size(); }

 private:
  void Evict();

  std::size_t max_events_;
  std::size_t max_bytes_;
  std::deque<SharedEvent> events_;
  std::size_t bytes_ = 0;
  app::LogPosition floor_;
  app::LogPosition top_;
  bool synced_ = false;
};

}  // namespace nedlia::streams
