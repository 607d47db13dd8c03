#include "streams/fanout.hpp"

#include <algorithm>

#include "app/errors.hpp"

namespace nedlia::streams {
namespace {

// How often the catch-up reader looks again at subscribers whose queues were too full for a
// page: their clients are reading, which takes no lock of ours to say.
constexpr std::chrono::milliseconds kRoomCheck{50};

bool IsFinished(const std::shared_ptr<Subscriber>& subscriber) {
  return subscriber->Finished();
}

}  // namespace

Fanout::Fanout(Limits limits, const StreamSlots& slots, const app::ApiKeyCache& keys,
               HubMetrics& metrics)
    : limits_(limits),
      slots_(slots),
      keys_(keys),
      metrics_(metrics),
      ring_(limits.ring_events, limits.ring_bytes) {}

void Fanout::Admit(std::shared_ptr<Subscriber> subscriber) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_)
      throw app::Error(app::ErrorKind::kUnavailable, "the server is stopping");
    Route(std::move(subscriber), false);
  }
  watched_.notify_all();
}

std::vector<std::shared_ptr<Subscriber>> Fanout::Sweep() {
  const std::lock_guard lock(mutex_);
  live_.Prune();
  std::erase_if(catching_up_, IsFinished);
  std::erase_if(awaiting_ring_, IsFinished);
  std::vector<std::shared_ptr<Subscriber>> open = live_.All();
  open.insert(open.end(), catching_up_.begin(), catching_up_.end());
  open.insert(open.end(), awaiting_ring_.begin(), awaiting_ring_.end());
  return open;
}

void Fanout::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    std::vector<std::shared_ptr<Subscriber>> all = live_.All();
    all.insert(all.end(), catching_up_.begin(), catching_up_.end());
    all.insert(all.end(), awaiting_ring_.begin(), awaiting_ring_.end());
    for (const std::shared_ptr<Subscriber>& subscriber : all)
      subscriber->End(app::StreamClosing::kShuttingDown);
    live_.Clear();
    catching_up_.clear();
    awaiting_ring_.clear();
  }
  watched_.notify_all();
  in_line_.notify_all();
}

bool Fanout::Unwatched() {
  const std::lock_guard lock(mutex_);
  if (slots_.Open() > 0)
    return false;
  ring_.Clear();
  live_.Prune();
  std::erase_if(catching_up_, IsFinished);
  std::erase_if(awaiting_ring_, IsFinished);
  return true;
}

bool Fanout::AwaitSubscribers(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  return watched_.wait(lock, stop, [this] { return slots_.Open() > 0; });
}

bool Fanout::RingSynced() const {
  const std::lock_guard lock(mutex_);
  return ring_.Synced();
}

void Fanout::Resync(app::LogPosition top) {
  const std::lock_guard lock(mutex_);
  ring_.Reset(top);
  std::vector<std::shared_ptr<Subscriber>> waiting = std::move(awaiting_ring_);
  awaiting_ring_.clear();
  for (std::shared_ptr<Subscriber>& subscriber : waiting)
    Route(std::move(subscriber), true);
}

void Fanout::Publish(std::vector<SharedEvent> events, app::LogPosition covered) {
  const std::lock_guard lock(mutex_);
  KeyGate gate(keys_);
  const DeliveryCount count = live_.Deliver(events, gate);
  metrics_.events_broadcast.Increment(events.size());
  metrics_.deliveries.Increment(count.deliveries);
  metrics_.dropped_too_slow.Increment(count.too_slow);
  metrics_.dropped_key_revoked.Increment(count.revoked);
  ring_.Append(std::move(events), covered);
}

std::shared_ptr<Subscriber> Fanout::NextToCatchUp(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (std::shared_ptr<Subscriber> next = PopReady())
      return next;
    if (stop.stop_requested())
      return nullptr;
    const std::size_t waiting = catching_up_.size();
    if (waiting == 0) {
      in_line_.wait(lock, stop, [this] { return !catching_up_.empty(); });
    } else {
      // Every queue is too full for now: look again soon, or when someone new joins the line.
      in_line_.wait_for(lock, stop, kRoomCheck,
                        [this, waiting] { return catching_up_.size() > waiting; });
    }
  }
}

void Fanout::DeliverCatchUp(const std::shared_ptr<Subscriber>& subscriber,
                            const CatchUpPage& page) {
  const std::lock_guard lock(mutex_);
  if (stopping_) {
    subscriber->End(app::StreamClosing::kShuttingDown);
    return;
  }
  const std::vector<const SharedEvent*> events = Pointers(page.events);
  // A crowd that connected together (or reconnected after the same event) is caught up by
  // one read, not one each.
  std::vector<std::shared_ptr<Subscriber>> served = PeersServedBy(*subscriber, page);
  served.push_back(subscriber);
  for (std::shared_ptr<Subscriber>& each : served)
    Apply(std::move(each), page, events);
}

void Fanout::Requeue(std::shared_ptr<Subscriber> subscriber) {
  const std::lock_guard lock(mutex_);
  if (stopping_) {
    subscriber->End(app::StreamClosing::kShuttingDown);
    return;
  }
  catching_up_.push_back(std::move(subscriber));
}

void Fanout::Route(std::shared_ptr<Subscriber> subscriber, bool proven) {
  if (subscriber->Finished())
    return;
  if (Servable(*subscriber)) {
    ServeFromRing(std::move(subscriber));
    return;
  }
  if (proven && !ring_.Synced()) {
    // Another page would only prove the same again: wait for the tail to sync the ring.
    awaiting_ring_.push_back(std::move(subscriber));
    return;
  }
  catching_up_.push_back(std::move(subscriber));
  in_line_.notify_one();
}

void Fanout::ServeFromRing(std::shared_ptr<Subscriber> subscriber) {
  const std::vector<const SharedEvent*> missed = ring_.After(subscriber->Cursor());
  const Subscriber::Offered offered = subscriber->Offer(missed, Subscriber::WhenFull::kStop);
  if (offered.consumed < missed.size()) {
    catching_up_.push_back(std::move(subscriber));  // the rest when its client took some
    in_line_.notify_one();
    return;
  }
  // It has every event it wants up to the ring's top, and the tail publishes only after it.
  subscriber->AdvanceCursor(ring_.Top());
  live_.Add(std::move(subscriber));
}

std::shared_ptr<Subscriber> Fanout::PopReady() {
  for (std::size_t turns = catching_up_.size(); turns > 0; --turns) {
    std::shared_ptr<Subscriber> subscriber = std::move(catching_up_.front());
    catching_up_.pop_front();
    if (subscriber->Finished())
      continue;
    const bool from_ring = Servable(*subscriber);
    if (!subscriber->HasRoomFor(from_ring ? 1 : limits_.page_bytes)) {
      catching_up_.push_back(std::move(subscriber));
      continue;
    }
    if (from_ring) {
      ServeFromRing(std::move(subscriber));
      continue;
    }
    return subscriber;
  }
  return nullptr;
}

bool Fanout::Servable(const Subscriber& subscriber) const {
  // A client's cursor not numbered yet goes to the database first, which numbers it.
  return ring_.Synced() && subscriber.Cursor().Numbered() && subscriber.Cursor() >= ring_.Floor();
}

void Fanout::Apply(std::shared_ptr<Subscriber> subscriber, const CatchUpPage& page,
                   const std::vector<const SharedEvent*>& events) {
  const Subscriber::Offered offered = subscriber->Offer(events, Subscriber::WhenFull::kStop);
  // The proof covers the whole page: it holds only when all of it was taken.
  const bool proven = page.proven && offered.consumed == events.size();
  if (proven)
    subscriber->AdvanceCursor(*page.proven);
  Route(std::move(subscriber), proven);
}

std::vector<std::shared_ptr<Subscriber>> Fanout::PeersServedBy(const Subscriber& reader,
                                                               const CatchUpPage& page) {
  std::size_t bytes = 0;
  for (const SharedEvent& event : page.events)
    bytes += event.Bytes();
  // The page holds every event the reader's filter wants from its start to its end (to the
  // horizon when proven): so it does for any cursor in between.
  const auto served = [&](const std::shared_ptr<Subscriber>& peer) {
    const app::LogPosition cursor = peer->Cursor();
    const bool moves = page.proven || (!page.events.empty() && cursor < page.events.back().at);
    // A cursor whose commit number is unknown yet (a client's) compares by position only,
    // which is not commit order: only the same cursor shares the page.
    const bool after_start =
        cursor == page.after || (cursor.Numbered() && page.after.Numbered() && cursor > page.after);
    return moves && after_start && peer->Identity().filter == reader.Identity().filter &&
           !peer->Finished() && peer->HasRoomFor(bytes);
  };
  std::vector<std::shared_ptr<Subscriber>> peers;
  for (auto it = catching_up_.begin(); it != catching_up_.end();) {
    if (served(*it)) {
      peers.push_back(std::move(*it));
      it = catching_up_.erase(it);
    } else {
      ++it;
    }
  }
  return peers;
}

}  // namespace nedlia::streams
