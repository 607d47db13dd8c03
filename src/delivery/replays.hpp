#pragma once

#include "delivery/consumer_options.hpp"
#include "pg/pool.hpp"

namespace nedlia::delivery {

/// Handles the consumer's dead letters that someone asked to replay (`nedlia events
/// dead-letters replay`), outside any partition's order, in one transaction: one that succeeds
/// leaves the dead letters, one that fails again stays there with one attempt more. Whatever
/// the consumer reads from (PostgreSQL or JetStream), its dead letters are rows of the log.
/// Returns how many it handled.
int RunDeadLetterReplays(pg::Pool& pool, const ConsumerOptions& options,
                         const EventHandler& handle);

/// Undoes a failed handler's work (to the savepoint "nedlia_event"), the events before it kept.
void RollBackToSavepoint(pg::Connection& connection);

}  // namespace nedlia::delivery
