#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pg/pool.hpp"
#include "process/periodic_thread.hpp"

namespace nedlia::repositories {

/// What one round of event_log partition upkeep did.
struct PartitionUpkeep {
  std::vector<std::string> created;  ///< partitions made, e.g. "event_log_2027_03"
  std::int64_t rows_moved = 0;       ///< rows moved out of the default partition
};

/// Makes the event_log partitions of the current UTC month and the next `months_ahead`, and
/// gives each month that has rows in the default partition (a backdated row, or a month when
/// upkeep did not run) its own partition, moving those rows into it. Idempotent.
PartitionUpkeep MaintainEventLogPartitions(pg::Connection& connection, int months_ahead);

/// Deletes the processed_events marks older than `days`, `batch` rows per transaction; returns
/// how many.
std::int64_t PurgeProcessedEvents(pg::Connection& connection, int days, int batch = 10000);
/// How many marks PurgeProcessedEvents would delete now.
std::int64_t CountOldProcessedEvents(pg::Connection& connection, int days);

/// Runs the database's routine upkeep in the background while a server runs, at start and then
/// every `period`: event_log partitions made ahead, then `purges` (retention's deletions, which
/// the composition root supplies) on the same connection.
class MaintenanceLoop {
 public:
  using Purges = std::function<void(pg::Connection&)>;

  MaintenanceLoop(pg::Pool& pool, std::chrono::milliseconds period, int event_log_months_ahead,
                  Purges purges);

 private:
  void RunOnce();
  void MaintainPartitions(pg::Connection& connection);

  pg::Pool& pool_;
  int event_log_months_ahead_;
  Purges purges_;
  process::PeriodicThread thread_;
};

}  // namespace nedlia::repositories
