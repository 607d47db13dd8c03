#include "repositories/maintenance.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "pg/batches.hpp"
#include "repositories/job_runs.hpp"

namespace nedlia::repositories {

namespace {

const char* const kPartitions =
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = 'event_log'::regclass";

// The months (UTC) that have rows in the default partition, with their counts.
const char* const kStrandedMonths =
    "SELECT (date_trunc('month', created_at AT TIME ZONE 'UTC'))::date::text, count(*) "
    "FROM event_log_default GROUP BY 1 ORDER BY 1";

// The age is checked again on the row as it is when deleted: a mark forgotten by `events
// replay` and made again meanwhile is a new mark, and stays.
const pg::BatchedPurge kOldProcessed("processed_events_old", "processed_events",
                                     "consumer, event_id",
                                     "processed_at < now() - make_interval(days => $1)");

std::set<std::string> Partitions(pg::Connection& connection) {
  std::set<std::string> names;
  for (const pg::Row& row : connection.Execute(kPartitions))
    names.insert(row[0].As<std::string>());
  return names;
}

}  // namespace

namespace {

PartitionUpkeep MaintainPartitionsOnce(pg::Connection& connection, int months_ahead) {
  const std::set<std::string> before = Partitions(connection);
  PartitionUpkeep upkeep;
  // Each call is a transaction of its own (autocommit): a month's move is all or nothing.
  for (const pg::Row& row : connection.Execute(kStrandedMonths)) {
    connection.Execute("SELECT nedlia_ensure_event_log_partitions_for($1::date, 1)",
                       pg::Params(row[0].As<std::string>()));
    upkeep.rows_moved += row[1].As<std::int64_t>();
  }
  connection.Execute("SELECT nedlia_ensure_event_log_partitions($1)", pg::Params(months_ahead));
  for (const std::string& name : Partitions(connection)) {
    if (!before.contains(name))
      upkeep.created.push_back(name);
  }
  return upkeep;
}

}  // namespace

PartitionUpkeep MaintainEventLogPartitions(pg::Connection& connection, int months_ahead) {
  try {
    PartitionUpkeep upkeep = MaintainPartitionsOnce(connection, months_ahead);
    RecordJobSuccess(connection, kPartitionUpkeepJob, upkeep.rows_moved);
    return upkeep;
  } catch (const std::exception& error) {
    RecordJobFailure(connection, kPartitionUpkeepJob, error.what());
    throw;
  }
}

std::int64_t PurgeProcessedEvents(pg::Connection& connection, int days, int batch) {
  return kOldProcessed.Run(connection, days, batch);
}

std::int64_t CountOldProcessedEvents(pg::Connection& connection, int days) {
  return kOldProcessed.Count(connection, days);
}

MaintenanceLoop::MaintenanceLoop(pg::Pool& pool, std::chrono::milliseconds period,
                                 int event_log_months_ahead, Purges purges)
    : pool_(pool),
      event_log_months_ahead_(event_log_months_ahead),
      purges_(std::move(purges)),
      thread_(std::chrono::milliseconds(0), [this, period] {
        RunOnce();
        return period;
      }) {}

void MaintenanceLoop::RunOnce() {
  try {
    pg::PooledConnection connection = pool_.Acquire();
    MaintainPartitions(*connection);
    // Each purge reports its own failure and lets the others run.
    purges_(*connection);
  } catch (const std::exception& error) {
    spdlog::warn("database upkeep failed: {}", error.what());
  }
}

void MaintenanceLoop::MaintainPartitions(pg::Connection& connection) {
  try {
    const PartitionUpkeep upkeep = MaintainEventLogPartitions(connection, event_log_months_ahead_);
    if (!upkeep.created.empty()) {
      spdlog::info("created {} event_log partition(s), moved {} row(s) out of the default one",
                   upkeep.created.size(), upkeep.rows_moved);
    }
  } catch (const std::exception& error) {
    // The next round retries; a missing partition only sends rows to the default one.
    spdlog::warn("event_log partition upkeep failed: {}", error.what());
  }
}

}  // namespace nedlia::repositories
