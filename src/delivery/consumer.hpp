#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "delivery/wakeup.hpp"
#include "events/stored_event.hpp"
#include "pg/pool.hpp"

namespace nedlia::delivery {

/// Thrown by a handler (or before_commit) when what it delivers to is down, not the event
/// wrong: the whole batch rolls back and is read again later, and no attempt is counted, so
/// an outage never fills the dead letters.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConsumerOptions {
  std::string name;                ///< the durable subscription's name, e.g. "validator"
  std::vector<std::string> types;  ///< versioned event types it handles (from the catalog)
  /// Aggregates are spread over this many partitions; each is handled in order by one process
  /// at a time, so up to this many processes share the work. Fixed for a consumer's lifetime.
  int partitions = 4;
  int batch_size = 100;
  /// Attempts at one event before it goes to the dead letters (and the partition moves on).
  int max_attempts = 5;
  std::chrono::milliseconds first_retry{500};  ///< doubled at each failure, with jitter
  std::chrono::milliseconds max_retry{60'000};
  /// Runs after a batch's events were handled, before its transaction commits: a handler that
  /// sends asynchronously waits here for the acknowledgments (throw Unavailable to roll back).
  std::function<void()> before_commit;
};

/// What a consumer does with one event. It runs inside the delivery transaction: whatever it
/// writes through `connection` commits together with the consumer's new position and the
/// event's processed mark, or not at all. It throws to fail the event (it is retried).
using EventHandler = std::function<void(const events::StoredEvent&, pg::Connection&)>;

/// A durable subscription to the event log, delivered at least once, in log order within each
/// partition, never skipping an event that commits late. A failing event blocks its partition
/// (later events of the same aggregates must not overtake it) until it succeeds or, after
/// max_attempts, goes to event_dead_letters. Any number of processes may run the same consumer:
/// a partition is handled by one of them at a time.
class Consumer {
 public:
  Consumer(pg::Pool& pool, ConsumerOptions options, EventHandler handler);

  const ConsumerOptions& Options() const { return options_; }
  /// Creates the subscription (at the log's beginning) if missing.
  void Subscribe();
  /// One pass over the partitions this process can take; returns how many events it moved
  /// past (handled, already processed or dead-lettered).
  int RunOnce();
  /// Passes until `stop`; after a pass with nothing to do it waits for a notification, or
  /// `poll` at most.
  void Run(std::stop_token stop, Wakeup& wakeup, std::chrono::milliseconds poll);

 private:
  int RunPartition(int partition);
  /// Dead letters asked to be replayed: handled outside the partitions' order (a person asked).
  int RunReplays();
  std::chrono::milliseconds RetryDelay(int attempts);

  pg::Pool& pool_;
  ConsumerOptions options_;
  EventHandler handler_;
  int next_partition_ = 0;
};

}  // namespace nedlia::delivery
