#pragma once

#include "bus/jetstream_publisher.hpp"
#include "consumers/consumer.hpp"
#include "events/catalog.hpp"

namespace nedlia::bus {

/// The consumer that relays every event of the catalog to NATS JetStream, on the subject
/// "<prefix>.<type>" (e.g. nedlia.events.com.nedlia.placement.created.v1), in the CloudEvents
/// NATS binding's structured mode (Content-Type application/cloudevents+json) with the event id
/// as Nats-Msg-Id. A batch commits its position only once JetStream acknowledged all of it.
/// `ack_timeout` bounds the wait for JetStream's acknowledgments of one batch.
consumers::Consumer MakeRelay(pg::Pool& pool, const events::Catalog& catalog,
                              JetStreamPublisher& publisher,
                              std::chrono::milliseconds ack_timeout = std::chrono::seconds(5));

inline constexpr const char* kRelayName = "bus-relay";

}  // namespace nedlia::bus
