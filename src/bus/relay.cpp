#include "bus/relay.hpp"

namespace nedlia::bus {

delivery::Consumer MakeRelay(pg::Pool& pool, const events::Catalog& catalog,
                             JetStreamPublisher& publisher, std::chrono::milliseconds ack_timeout) {
  delivery::ConsumerOptions options{.name = kRelayName};
  for (const events::EventSchema& entry : catalog.Entries())
    options.types.push_back(entry.VersionedType());
  options.batch_size = 10000;
  // One partition: the stream keeps the log's order, and one process reading it all publishes
  // faster than four partitions read in turn (each scanning past the others' events).
  options.partitions = 1;
  options.mark_processed = false;  // JetStream deduplicates by message id
  options.as_text = true;
  options.before_commit = [&publisher, ack_timeout](pg::Connection&) {
    publisher.WaitForAcks(ack_timeout);
  };
  auto handler = [&publisher](const events::StoredEvent& event, pg::Connection&) {
    // A dead letter replayed comes parsed (delivery reads replays so).
    publisher.Publish(publisher.Settings().SubjectOf(event.type), event.id.ToString(),
                      "application/cloudevents+json",
                      event.structured_text.empty()
                          ? events::ToStructured(event.ToCloudEvent()).dump()
                          : event.structured_text);
  };
  return delivery::Consumer(pool, std::move(options), std::move(handler));
}

}  // namespace nedlia::bus
