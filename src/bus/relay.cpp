#include "bus/relay.hpp"

#include <chrono>
#include <memory>
#include <utility>

#include "metrics/registry.hpp"

namespace nedlia::bus {
namespace {

/// What the relay reports: messages JetStream acknowledged, and how old the newest was when
/// published.
struct RelayMetrics {
  metrics::Counter& published = metrics::Registry::Process().GetCounter(
      "nedlia_relay_events_published_total", "Events JetStream acknowledged from the relay.");
  metrics::Gauge& lag = metrics::Registry::Process().GetGauge(
      "nedlia_relay_lag_seconds",
      "Age of the newest event the relay published, when JetStream acknowledged it.");
  std::uint64_t pending = 0;      ///< published in this batch, not yet acknowledged
  std::int64_t newest_at_ms = 0;  ///< the batch's newest event's time
};

double SecondsSince(std::int64_t unix_ms) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return static_cast<double>(now.count() - unix_ms) / 1000.0;
}

}  // namespace

consumers::Consumer MakeRelay(pg::Pool& pool, const events::Catalog& catalog,
                              JetStreamPublisher& publisher,
                              std::chrono::milliseconds ack_timeout) {
  consumers::ConsumerOptions options{.name = kRelayName};
  for (const events::EventSchema& entry : catalog.Entries())
    options.types.push_back(entry.VersionedType());
  options.batch_size = 10000;
  // One partition: the stream keeps the log's order, and one process reading it all publishes
  // faster than four partitions read in turn (each scanning past the others' events).
  options.partitions = 1;
  options.mark_processed = false;  // JetStream deduplicates by message id
  options.as_text = true;
  auto metrics = std::make_shared<RelayMetrics>();
  options.before_commit = [&publisher, ack_timeout, metrics](pg::Connection&) {
    // Taken first: a batch whose acknowledgments do not come is read and counted again.
    const std::uint64_t batch = std::exchange(metrics->pending, 0);
    publisher.WaitForAcks(ack_timeout);
    metrics->published.Increment(batch);
    if (batch > 0)
      metrics->lag.Set(SecondsSince(metrics->newest_at_ms));
  };
  auto handler = [&publisher, metrics](const events::StoredEvent& event, pg::Connection&) {
    // A dead letter replayed comes parsed (delivery reads replays so).
    publisher.Publish(publisher.Settings().SubjectOf(event.type), event.id.ToString(),
                      "application/cloudevents+json",
                      event.structured_text.empty()
                          ? events::ToStructured(event.ToCloudEvent()).dump()
                          : event.structured_text);
    ++metrics->pending;
    metrics->newest_at_ms = event.created_at_ms;
  };
  return consumers::Consumer(pool, std::move(options), std::move(handler));
}

}  // namespace nedlia::bus
