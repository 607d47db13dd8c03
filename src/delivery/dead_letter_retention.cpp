#include "delivery/dead_letter_retention.hpp"

#include <string>

#include "pg/batches.hpp"

namespace nedlia::delivery {
namespace {

// The age comes first so that only old dead letters are looked up in the log (by id, in every
// partition). An event that is still there keeps its dead letter whatever its age; the age
// alone never deletes one.
const std::string kUnreplayable =
    "failed_at < now() - make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM event_log e "
    "WHERE e.id = event_dead_letters.event_id)";
const std::string kPurgeSql =
    "DELETE FROM event_dead_letters WHERE id IN (SELECT id FROM event_dead_letters WHERE " +
    kUnreplayable + " LIMIT $2) AND " + kUnreplayable;
const std::string kCountSql = "SELECT count(*) FROM event_dead_letters WHERE " + kUnreplayable;
const pg::Statement kPurge{"dead_letters_purge_unreplayable", kPurgeSql};
const pg::Statement kCount{"dead_letters_count_unreplayable", kCountSql};

}  // namespace

std::int64_t PurgeUnreplayableDeadLetters(pg::Connection& connection, int event_log_days,
                                          int batch) {
  return pg::ExecuteInBatches(connection, kPurge, pg::Params(event_log_days), batch);
}

std::int64_t CountUnreplayableDeadLetters(pg::Connection& connection, int event_log_days) {
  return connection.Execute(kCount, pg::Params(event_log_days)).Single()[0].As<std::int64_t>();
}

}  // namespace nedlia::delivery
