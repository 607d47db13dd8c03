#pragma once

#include <cstdint>

#include "pg/connection.hpp"

namespace nedlia::consumers {

/// Deletes the dead letters that can no longer be replayed: their event has left the event log
/// (archived by its retention) and their last failure is more than `event_log_days` old;
/// returns how many. Every other dead letter stays until someone resolves it, however old: a
/// replay that succeeds or a discard deletes it (`nedlia events dead-letters`), and until then
/// an operator must see what a consumer gave up on.
std::int64_t PurgeUnreplayableDeadLetters(pg::Connection& connection, int event_log_days,
                                          int batch = 1000);
/// How many dead letters PurgeUnreplayableDeadLetters would delete now.
std::int64_t CountUnreplayableDeadLetters(pg::Connection& connection, int event_log_days);

}  // namespace nedlia::consumers
