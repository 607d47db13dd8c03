#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/event_streams.hpp"
#include "streams/shared_event.hpp"

namespace nedlia::streams {

/// Which events a subscriber receives: those of its types (all when there are none) and, when
/// it is limited to an advertiser, of that advertiser only.
struct SubscriberFilter {
  std::vector<std::string> types;
  std::optional<domain::Uuid> advertiser;

  bool Matches(const SharedEvent& event) const;
  bool operator==(const SubscriberFilter&) const = default;
};

/// One subscriber as the hub keeps it: who it is, its cursor, and the bounded queue of events
/// waiting for its client. The hub's threads fill the queue; the server's event loop empties it
/// (Take) and may Close it at any time. Every method is short and never waits for anything but
/// the subscriber's own two locks, which are never held for long.
class Subscriber {
 public:
  using Clock = std::chrono::steady_clock;

  /// What does not change while it lives.
  struct Profile {
    std::string key_hash;
    app::Principal caller;
    SubscriberFilter filter;
    Clock::time_point ends;       ///< its maximum lifetime runs out then
    std::size_t queue_bytes = 0;  ///< the queue's capacity (one event alone may exceed it)
  };

  /// What the hub does when an event does not fit the queue.
  enum class WhenFull {
    kEnd,   ///< end the subscriber as too slow (live events: they cannot wait)
    kStop,  ///< stop there and leave the rest (catch-up: it can be read again later)
  };

  /// What an Offer did.
  struct Offered {
    std::size_t consumed = 0;  ///< events dealt with, queued or not wanted, from the first
    std::size_t queued = 0;
    bool too_slow = false;  ///< it was ended as too slow
  };

  Subscriber(Profile profile, app::LogPosition cursor);

  const Profile& Identity() const { return profile_; }

  // The client's side: the server's event loop.

  /// See app::EventSubscription::Start.
  void Start(std::function<void()> wake);
  /// Moves out what is queued, a heartbeat that fell due, and the reason it ended, if it did.
  app::StreamBatch Take();
  /// The client left: no wake-up after this returns, and the queue is freed.
  void Close();

  // The hub's side.

  /// Queues, in order, those of `events` it wants and is not past yet (its cursor moves over
  /// every event consumed).
  Offered Offer(const std::vector<const SharedEvent*>& events, WhenFull when_full);
  /// Marks the subscriber as having seen every event it wants up to `cursor`.
  void AdvanceCursor(app::LogPosition cursor);
  app::LogPosition Cursor() const;
  /// True when `bytes` more fit its queue (always when it is empty).
  bool HasRoomFor(std::size_t bytes) const;
  /// Ends the subscription for `why` (what is queued goes first only at the end of its
  /// lifetime). False when it had already ended or been closed.
  bool End(app::StreamClosing why);
  /// Owes its client a heartbeat when nothing was queued for `silence`.
  void Heartbeat(Clock::time_point now, Clock::duration silence);
  /// Ended or closed: the hub forgets it.
  bool Finished() const;

 private:
  /// True when the client must be woken (once between two Takes). Under mutex_.
  bool MarkPending();
  /// Calls the client's wake, if it still has one.
  void Wake();

  const Profile profile_;

  mutable std::mutex mutex_;  ///< everything below but wake_
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  app::LogPosition cursor_;
  std::optional<app::StreamClosing> closing_;
  bool heartbeat_due_ = false;
  bool pending_ = false;  ///< woken since the last Take
  bool closed_ = false;
  Clock::time_point last_activity_;

  // Apart from mutex_, so that Close waits at most for a wake call in progress.
  std::mutex wake_mutex_;
  std::function<void()> wake_;
};

}  // namespace nedlia::streams
