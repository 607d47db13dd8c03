#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "consumers/consumer_options.hpp"
#include "events/stored_event.hpp"
#include "pg/connection.hpp"

namespace nedlia::consumers {

/// A partition's durable state (a row of event_subscriptions).
struct PartitionState {
  events::LogPosition last;  ///< the last event handled or dead-lettered
  std::optional<domain::Uuid> retry_event_id;
  int retry_attempts = 0;
  std::int64_t retry_in_ms = 0;  ///< until the blocked event's next attempt; <= 0: due
  std::string last_error;
  /// Where readers number the final transactions themselves (no logical decoding, see
  /// events::CommitOrder::SequenceFinal), as of this load.
  bool readers_number = true;
};

/// An event read for a consumer, and whether the consumer already handled it.
struct Delivery {
  events::StoredEvent event;
  bool processed = false;
};

/// What a read found: the events, and how far the log was read.
struct ReadBatch {
  std::vector<Delivery> deliveries;
  /// Every final event up to here was considered: when the read returned fewer events than
  /// its limit, none of the partition's types lies between the last one and this position.
  events::LogPosition seen_up_to;
};

/// The SQL of event delivery, on a connection inside the caller's transaction.
class SubscriptionRows {
 public:
  explicit SubscriptionRows(pg::Connection& connection) : connection_(connection) {}

  /// Creates the consumer's partitions if missing (all starting at the log's beginning);
  /// throws std::runtime_error when it exists with another number of partitions.
  void Ensure(const std::string& consumer, int partitions);
  /// Takes the partition for this transaction, or returns false when another process has it.
  bool TryLock(const std::string& consumer, int partition);
  PartitionState Load(const std::string& consumer, int partition);
  /// Up to `limit` events of `types` after `after` in the partition, of numbered transactions,
  /// in commit order (each transaction's by position). Without
  /// options.mark_processed every Delivery::processed is false; with options.as_text the
  /// events carry structured_text instead of data and metadata.
  ReadBatch ReadAfter(const ConsumerOptions& options, const events::LogPosition& after,
                      const std::vector<std::string>& types, int partition, int limit);
  /// Records the event as handled (sent with the next statement).
  void MarkProcessed(const std::string& consumer, const domain::Uuid& event_id);
  /// Records these events as handled (sent with the next statement).
  void MarkProcessed(const std::string& consumer, const std::vector<domain::Uuid>& event_ids);
  /// Records the event as handled now, for an event that may arrive more than once (from
  /// JetStream); false when it already was (or another transaction is doing it and commits).
  bool Claim(const std::string& consumer, const domain::Uuid& event_id);
  /// The partition's new state, sent with the next statement (the COMMIT: one round trip).
  void Save(const std::string& consumer, int partition, const PartitionState& state,
            std::int64_t handled, std::int64_t retry_delay_ms);
  void DeadLetter(const std::string& consumer, const events::StoredEvent& event, int attempts,
                  const std::string& error);

  /// Dead letters someone asked to replay (`nedlia events dead-letters replay`), locked for
  /// this transaction (others skip them), in log order.
  std::vector<events::StoredEvent> LockReplays(const std::string& consumer, int limit);
  /// A replayed dead letter succeeded: it is no longer dead.
  void ForgetDeadLetter(const std::string& consumer, const domain::Uuid& event_id);
  /// A replayed dead letter failed again: one attempt more, and no longer requested.
  void DeadLetterFailedAgain(const std::string& consumer, const domain::Uuid& event_id,
                             const std::string& error);

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::consumers
