#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "consumers/consumer_options.hpp"
#include "consumers/reading.hpp"
#include "consumers/replays.hpp"
#include "consumers/subscription_rows.hpp"
#include "consumers/synchronous_standbys.hpp"
#include "consumers/wakeup.hpp"
#include "metrics/registry.hpp"
#include "pg/pool.hpp"

namespace nedlia::consumers {

/// A durable subscription to the event log, delivered at least once, in log order within each
/// partition, never skipping an event that commits late. A failing event blocks its partition
/// (later events of the same aggregates must not overtake it) until it succeeds or, after
/// max_attempts, goes to event_dead_letters. Any number of processes may run the same consumer:
/// a partition is handled by one of them at a time.
class Consumer {
 public:
  Consumer(pg::Pool& pool, ConsumerOptions options, EventHandler handler);

  const ConsumerOptions& Options() const { return options_; }
  /// The versioned types it reads: its own, and the older versions it upcasts.
  const std::vector<std::string>& ReadTypes() const { return reading_.types; }
  /// Creates the subscription (at the log's beginning) if missing.
  void Subscribe();
  /// One pass over the partitions this process can take; returns how many events it moved
  /// past (handled, already processed or dead-lettered).
  int RunOnce();
  /// Passes until `stop`; after a pass with nothing to do it waits for a notification, or
  /// `poll` at most.
  void Run(std::stop_token stop, Wakeup& wakeup, std::chrono::milliseconds poll);

 private:
  /// Where readers number transactions in commit order (no logical decoding), numbers what
  /// became final; a no-op where the sequencer numbers them.
  void SequenceFinal();
  int RunPartition(int partition);
  /// Handles one event read (unless already processed) and moves `state` past it, or, when
  /// it failed and has attempts left, records the failure in `state` and returns the delay
  /// before its next attempt.
  std::optional<std::int64_t> Deliver(const Delivery& delivery, PartitionState& state,
                                      SubscriptionRows& rows, pg::Connection& connection);

  /// What one partition's transaction did, counted once it commits.
  struct Tally {
    std::uint64_t handled = 0;
    std::uint64_t retried = 0;
    std::uint64_t dead_lettered = 0;
  };
  /// nedlia_consumer_events_{handled,retried,dead_lettered}_total{consumer=name}.
  struct Counters {
    explicit Counters(const std::string& consumer);
    metrics::Counter& handled;
    metrics::Counter& retried;
    metrics::Counter& dead_lettered;
  };

  pg::Pool& pool_;
  ConsumerOptions options_;
  Counters counters_;
  Tally tally_;
  Reading reading_;
  ReplayCheck replays_;
  SynchronousStandbys standbys_;
  /// Events handled in the current read, to be marked processed together.
  std::vector<domain::Uuid> handled_ids_;
  int next_partition_ = 0;
  bool readers_number_ = true;  ///< see PartitionState::readers_number
};

}  // namespace nedlia::consumers
