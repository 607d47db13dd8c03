#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/stored_event.hpp"
#include "pg/connection.hpp"

namespace nedlia::consumers {

/// One consumer's subscription, summed over its partitions.
struct SubscriptionStatus {
  std::string consumer;
  int partitions = 0;
  std::int64_t handled = 0;
  events::LogPosition oldest;  ///< the partition furthest behind
  int blocked = 0;             ///< partitions waiting to retry an event
  std::string last_error;      ///< of a blocked partition
  std::int64_t dead_letters = 0;
};

struct DeadLetterRecord {
  domain::Uuid event_id;
  std::string consumer;
  std::string event_type;
  int attempts = 0;
  std::string last_error;
  std::int64_t failed_at_ms = 0;
  bool replay_requested = false;
};

/// Which dead letters a command acts on: one event, one consumer's, or all.
struct DeadLetterFilter {
  std::optional<domain::Uuid> event_id;
  std::optional<std::string> consumer;
};

/// Operations on subscriptions for people (the `nedlia events` commands), inside the caller's
/// transaction.
class SubscriptionAdmin {
 public:
  explicit SubscriptionAdmin(pg::Connection& connection) : connection_(connection) {}

  std::vector<SubscriptionStatus> Subscriptions();
  std::vector<DeadLetterRecord> DeadLetters(const DeadLetterFilter& filter);
  /// Asks the consumers to handle them again; returns how many.
  int RequestReplay(const DeadLetterFilter& filter);
  /// Drops them for good; returns how many.
  int Discard(const DeadLetterFilter& filter);
  /// Moves every partition of the consumer back (or forward) to just after `after`, forgets
  /// the processed marks of the events after it (so they are handled again) and clears the
  /// pending retries. Throws std::runtime_error for an unknown consumer.
  void Rewind(const std::string& consumer, const events::LogPosition& after);
  /// The position just before the first event (in log order) created at or after the time
  /// (RFC 3339, anything PostgreSQL reads as timestamptz); the log's end when none is.
  events::LogPosition PositionBefore(const std::string& time);
  /// The position just before this event's.
  static events::LogPosition Before(const events::LogPosition& at);

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::consumers
