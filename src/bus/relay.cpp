#include "bus/relay.hpp"

namespace nedlia::bus {

delivery::Consumer MakeRelay(pg::Pool& pool, const events::Catalog& catalog,
                             JetStreamPublisher& publisher, std::chrono::milliseconds ack_timeout) {
  delivery::ConsumerOptions options{.name = kRelayName};
  for (const events::EventSchema& entry : catalog.Entries())
    options.types.push_back(entry.VersionedType());
  options.batch_size = 2000;
  options.mark_processed = false;  // JetStream deduplicates by message id
  options.before_commit = [&publisher, ack_timeout] { publisher.WaitForAcks(ack_timeout); };
  auto handler = [&publisher](const events::StoredEvent& event, pg::Connection&) {
    publisher.Publish(publisher.Settings().SubjectOf(event.type), event.id.ToString(),
                      "application/cloudevents+json",
                      events::ToStructured(event.ToCloudEvent()).dump());
  };
  return delivery::Consumer(pool, std::move(options), std::move(handler));
}

}  // namespace nedlia::bus
