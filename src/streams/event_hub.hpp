#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "app/api_key_cache.hpp"
#include "app/ports/event_streams.hpp"
#include "metrics/registry.hpp"
#include "process/periodic_thread.hpp"
#include "streams/catch_up_reader.hpp"
#include "streams/fanout.hpp"
#include "streams/hub_metrics.hpp"
#include "streams/stream_slots.hpp"
#include "streams/tail_reader.hpp"

namespace nedlia::streams {

/// The limits and timings of a hub; see README "Events" for what each means to a client.
struct EventHubOptions {
  std::string database_url;
  std::chrono::milliseconds poll{1000};    ///< the tail's fallback when no notification comes
  std::chrono::milliseconds coalesce{15};  ///< the tail's wait after a notification
  std::chrono::milliseconds statement_timeout{15000};
  std::size_t queue_bytes = std::size_t{1} << 20;  ///< per subscriber; a live one past it ends
  int max_per_key = 20;                            ///< open streams per API key (429 past it)
  int max_open = 10'000;                           ///< open streams per process (503 past it)
  std::chrono::milliseconds lifetime = std::chrono::hours(1);
  std::chrono::milliseconds heartbeat = std::chrono::seconds(15);  ///< after that much silence
  std::chrono::milliseconds tick = std::chrono::seconds(1);  ///< checks keys, lifetimes, silence
  Fanout::Limits ring;    ///< the ring's bounds, and the bytes a catch-up page may hold
  int page_events = 500;  ///< a page of the tail or of a catch-up
};

/// Server-Sent Events for the whole process: one tail reader of new events, rendered once and
/// fanned out to every subscriber through bounded queues; one catch-up reader for subscribers
/// behind; a tick that ends streams whose key was revoked (from the key cache, revalidated in
/// one query for all of them), whose lifetime is over, and sends heartbeats. Destroying it ends
/// every stream and stops its threads at once.
class EventHub : public app::EventStreams {
 public:
  EventHub(EventHubOptions options, app::ApiKeyCache& keys, const EventRenderer& render,
           metrics::Registry& registry);
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;
  EventHub(EventHub&&) = delete;
  EventHub& operator=(EventHub&&) = delete;
  ~EventHub() override;

  std::unique_ptr<app::EventSubscription> Subscribe(app::StreamRequest request) override;

 private:
  std::chrono::milliseconds Tick();
  void RevalidateKeys(const std::vector<std::shared_ptr<Subscriber>>& subscribers);

  const EventHubOptions options_;
  app::ApiKeyCache& keys_;
  HubMetrics metrics_;
  std::shared_ptr<StreamSlots> slots_;
  Fanout fanout_;
  // The threads, last: they start once everything they use exists, and stop first.
  TailReader tail_;
  CatchUpReader catch_up_;
  process::PeriodicThread ticker_;
};

}  // namespace nedlia::streams
