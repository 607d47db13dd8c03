#pragma once

#include <chrono>

#include "consumers/consumer_options.hpp"
#include "pg/pool.hpp"

namespace nedlia::consumers {

/// Handles the consumer's dead letters that someone asked to replay (`nedlia events
/// dead-letters replay`), outside any partition's order, in one transaction: one that succeeds
/// leaves the dead letters, one that fails again stays there with one attempt more. Whatever
/// the consumer reads from (PostgreSQL or JetStream), its dead letters are rows of the log.
/// Returns how many it handled.
int RunDeadLetterReplays(pg::Pool& pool, const ConsumerOptions& options,
                         const EventHandler& handle);

/// Runs RunDeadLetterReplays at most once a second (replays are asked for by people: that is
/// soon enough, and spares a consumer's passes a transaction each). A failure is logged, and
/// the next look tries again. Holds only its clock, so consumers stay movable.
class ReplayCheck {
 public:
  /// Returns how many dead letters it handled (0 when not due).
  int RunIfDue(pg::Pool& pool, const ConsumerOptions& options, const EventHandler& handle);

 private:
  std::chrono::steady_clock::time_point next_{};
};

/// Undoes a failed handler's work (to the savepoint "nedlia_event"), the events before it kept.
void RollBackToSavepoint(pg::Connection& connection);

}  // namespace nedlia::consumers
