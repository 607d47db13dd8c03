#include "consumers/dead_letter_retention.hpp"

#include <string>

#include "pg/batches.hpp"

namespace nedlia::consumers {
namespace {

// The age comes first so that only old dead letters are looked up in the log (by id, in every
// partition). An event that is still there keeps its dead letter whatever its age; the age
// alone never deletes one.
const std::string kUnreplayable =
    "failed_at < now() - make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM event_log e "
    "WHERE e.id = event_dead_letters.event_id)";
const pg::BatchedPurge kPurge("dead_letters_unreplayable", "event_dead_letters", "id",
                              kUnreplayable);

}  // namespace

std::int64_t PurgeUnreplayableDeadLetters(pg::Connection& connection, int event_log_days,
                                          int batch) {
  return kPurge.Run(connection, event_log_days, batch);
}

std::int64_t CountUnreplayableDeadLetters(pg::Connection& connection, int event_log_days) {
  return kPurge.Count(connection, event_log_days);
}

}  // namespace nedlia::consumers
