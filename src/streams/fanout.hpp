#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

#include "app/api_key_cache.hpp"
#include "streams/event_ring.hpp"
#include "streams/hub_metrics.hpp"
#include "streams/stream_slots.hpp"
#include "streams/subscriber.hpp"
#include "streams/subscriber_index.hpp"

namespace nedlia::streams {

/// A page the catch-up reader read for one subscriber.
struct CatchUpPage {
  app::LogPosition after;           ///< the cursor it was read after
  std::vector<SharedEvent> events;  ///< in log order, all after `after`
  /// Set when the page was not full: the subscriber has then seen every event it wants below
  /// this position (the last numbered transaction when the page was read).
  std::optional<app::LogPosition> proven;
};

/// The hub's shared state and the rules that move subscribers through it without gap or
/// duplicate. A new subscriber catches up from the database, one page per turn, until a page
/// that is not full proves it has seen everything up to the last numbered transaction; from there,
/// or as soon as its cursor reaches the ring's floor, the ring serves it what follows, and once
/// all of that fits its queue it is live: the tail's next events are offered to it directly.
/// Every move happens under one lock, the one the tail publishes under, so nothing falls
/// between the ring and the live broadcast; and a subscriber takes only events after its
/// cursor, so nothing arrives twice.
class Fanout {
 public:
  struct Limits {
    std::size_t ring_events = 10'000;
    std::size_t ring_bytes = std::size_t{16} << 20;
    std::size_t page_bytes = std::size_t{256} << 10;  ///< room a catch-up page needs
  };

  Fanout(Limits limits, const StreamSlots& slots, const app::ApiKeyCache& keys,
         HubMetrics& metrics);

  // Subscribers.

  /// Takes in a new subscriber. Throws app::Error kUnavailable once stopping.
  void Admit(std::shared_ptr<Subscriber> subscriber);
  /// Forgets the subscribers that ended or left, and returns the others.
  std::vector<std::shared_ptr<Subscriber>> Sweep();
  /// Ends every subscription (kShuttingDown) and refuses new ones.
  void Stop();

  // The tail.

  /// True when no stream is open; the ring is then forgotten (it would go stale).
  bool Unwatched();
  /// Waits until a stream is open; false when `stop` came first.
  bool AwaitSubscribers(const std::stop_token& stop);
  bool RingSynced() const;
  /// The ring starts again, empty, at `top`; subscribers waiting for it move on.
  void Resync(app::LogPosition top);
  /// The tail's next events (all after the ring's top, in log order): offered to the live
  /// subscribers, then kept in the ring, whose top becomes `covered`.
  void Publish(std::vector<SharedEvent> events, app::LogPosition covered);

  // The catch-up reader.

  /// The next subscriber that needs a page from the database (round robin, those with room in
  /// their queue); serves from the ring, on the way, those that can be. Waits for one; null
  /// once `stop` is requested and none is ready.
  std::shared_ptr<Subscriber> NextToCatchUp(const std::stop_token& stop);
  /// Hands `page`, read for `subscriber`, to it and to every other subscriber in line that it
  /// serves as well: same filter, cursor not before the page's start.
  void DeliverCatchUp(const std::shared_ptr<Subscriber>& subscriber, const CatchUpPage& page);
  /// Puts back a subscriber whose page could not be read.
  void Requeue(std::shared_ptr<Subscriber> subscriber);

 private:
  /// Sends a subscriber waiting for events on its way; `proven`: it has seen everything it
  /// wants up to its cursor, which a database page cannot improve until the ring is synced.
  void Route(std::shared_ptr<Subscriber> subscriber, bool proven);
  /// Serves a subscriber at or past the ring's floor what it misses from the ring: live when
  /// all of it fits its queue, else back in line with what fitted.
  void ServeFromRing(std::shared_ptr<Subscriber> subscriber);
  std::shared_ptr<Subscriber> PopReady();
  /// Offers a catch-up page to one subscriber and sends it on its way.
  void Apply(std::shared_ptr<Subscriber> subscriber, const CatchUpPage& page,
             const std::vector<const SharedEvent*>& events);
  /// Takes out of the line the subscribers that `page` (read for `reader`) moves forward.
  std::vector<std::shared_ptr<Subscriber>> PeersServedBy(const Subscriber& reader,
                                                         const CatchUpPage& page);
  bool Servable(const Subscriber& subscriber) const;

  const Limits limits_;
  const StreamSlots& slots_;
  const app::ApiKeyCache& keys_;
  HubMetrics& metrics_;

  mutable std::mutex mutex_;
  std::condition_variable_any watched_;  ///< a stream opened (the tail waits for one)
  std::condition_variable_any in_line_;  ///< someone joined the catch-up line
  EventRing ring_;
  SubscriberIndex live_;
  std::deque<std::shared_ptr<Subscriber>> catching_up_;
  std::vector<std::shared_ptr<Subscriber>> awaiting_ring_;
  bool stopping_ = false;
};

}  // namespace nedlia::streams
