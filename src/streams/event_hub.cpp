#include "streams/event_hub.hpp"

#include <spdlog/spdlog.h>

#include "streams/subscription.hpp"

namespace nedlia::streams {

EventHub::EventHub(EventHubOptions options, app::ApiKeyCache& keys, const EventRenderer& render,
                   metrics::Registry& registry)
    : options_(std::move(options)),
      keys_(keys),
      metrics_(registry),
      slots_(std::make_shared<StreamSlots>(options_.max_per_key, options_.max_open, metrics_)),
      fanout_(options_.ring, *slots_, keys_, metrics_),
      tail_({.database_url = options_.database_url,
             .poll = options_.poll,
             .coalesce = options_.coalesce,
             .page_events = options_.page_events,
             .statement_timeout = options_.statement_timeout},
            fanout_, render, metrics_),
      catch_up_({.database_url = options_.database_url,
                 .page_events = options_.page_events,
                 .page_bytes = options_.ring.page_bytes,
                 .statement_timeout = options_.statement_timeout},
                fanout_, render, metrics_),
      ticker_(options_.tick, [this] { return Tick(); }) {}

EventHub::~EventHub() {
  // Every stream ends now (its client is told to reconnect); the threads stop as the members
  // are destroyed, each interrupting its own wait or query.
  fanout_.Stop();
}

std::unique_ptr<app::EventSubscription> EventHub::Subscribe(app::StreamRequest request) {
  slots_->Acquire(request.key_hash);
  auto subscriber = std::make_shared<Subscriber>(
      Subscriber::Profile{.key_hash = request.key_hash,
                          .caller = std::move(request.caller),
                          .filter = {.types = std::move(request.query.types),
                                     .advertiser = request.query.advertiser},
                          .ends = Subscriber::Clock::now() + options_.lifetime,
                          .queue_bytes = options_.queue_bytes},
      request.query.after.value_or(app::LogPosition{}));
  // Made before Admit: should Admit throw, destroying it gives the slot back.
  auto subscription = std::make_unique<Subscription>(subscriber, slots_);
  fanout_.Admit(std::move(subscriber));
  return subscription;
}

std::chrono::milliseconds EventHub::Tick() {
  const std::vector<std::shared_ptr<Subscriber>> open = fanout_.Sweep();
  RevalidateKeys(open);
  const Subscriber::Clock::time_point now = Subscriber::Clock::now();
  KeyGate gate(keys_);
  for (const std::shared_ptr<Subscriber>& subscriber : open) {
    if (!gate.Holds(*subscriber)) {
      if (subscriber->End(app::StreamClosing::kKeyRevoked))
        metrics_.dropped_key_revoked.Increment();
    } else if (now >= subscriber->Identity().ends) {
      if (subscriber->End(app::StreamClosing::kLifetimeOver))
        metrics_.ended_lifetime.Increment();
    } else {
      subscriber->Heartbeat(now, options_.heartbeat);
    }
  }
  return options_.tick;
}

void EventHub::RevalidateKeys(const std::vector<std::shared_ptr<Subscriber>>& subscribers) {
  std::vector<std::string> hashes;
  hashes.reserve(subscribers.size());
  for (const std::shared_ptr<Subscriber>& subscriber : subscribers)
    hashes.push_back(subscriber->Identity().key_hash);
  try {
    keys_.Revalidate(hashes);  // one query for the keys whose cache entry expired
  } catch (const std::exception& error) {
    // The streams keep going on what the cache knew; the next tick asks again.
    spdlog::warn("could not check the API keys of open event streams: {}", error.what());
  }
}

}  // namespace nedlia::streams
