#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive/retention_policy.hpp"
#include "archive/row_json.hpp"
#include "pg/connection.hpp"

namespace nedlia::archive {

/// A table whose rows leave the database one by one once past retention (identified by id).
struct RowSource {
  std::string table;
  std::string time_column;  ///< when the row's retention starts
  int retention_days = 0;
};

/// A month of the event log, archived and dropped whole.
struct PartitionSource {
  std::string name;    ///< event_log_YYYY_MM
  std::string cutoff;  ///< its retention ended before this instant
};

/// Placements deleted and validation runs made before their retention, in that order.
std::vector<RowSource> RowSources(const RetentionPolicy& policy);

/// now() minus `days`, as ISO 8601 UTC text in row_to_json's form (...T...+00:00).
std::string CutoffFor(pg::Connection& connection, int days);

/// The event_log partitions whose whole month ended more than `days` ago, oldest first.
std::vector<PartitionSource> PartitionsPastRetention(pg::Connection& connection, int days);

/// The columns of `table`, in order, with how each is written in JSON.
std::vector<ColumnShape> ColumnsOf(pg::Connection& connection, const std::string& table);

/// COPY ... TO STDOUT of up to `limit` whole rows of `source` older than `cutoff`, oldest
/// first, locked FOR UPDATE.
std::string CopyRowsPastRetention(const RowSource& source, const std::string& cutoff, long limit);
/// COPY ... TO STDOUT of a whole partition, in log order.
std::string CopyPartition(const PartitionSource& source);

/// How many rows of `source` are past retention.
long CountPastRetention(pg::Connection& connection, const RowSource& source,
                        const std::string& cutoff);

/// The time range of the rows of `source` past retention: [first, last], empty when none.
struct TimeRange {
  std::string first;
  std::string last;
};
TimeRange RangePastRetention(pg::Connection& connection, const RowSource& source,
                             const std::string& cutoff);

/// How many rows a partition holds, and their time range.
struct PartitionContents {
  long rows = 0;
  TimeRange range;
};
PartitionContents ContentsOf(pg::Connection& connection, const PartitionSource& source);

/// The migrations' revision(s) the database is at, comma-separated.
std::string SchemaRevision(pg::Connection& connection);

/// In the caller's transaction: timestamps in UTC and ISO form, whatever the server's settings,
/// so that archives read the same everywhere (RowJson reads COPY's ISO output).
void UseArchiveTimeStyle(pg::Connection& connection);

/// Deletes the rows of `table` with these ids; returns how many went.
std::int64_t DeleteRowsById(pg::Connection& connection, const std::string& table,
                            const std::vector<std::string>& ids);

/// Keeps writers out of a partition until the transaction ends (readers go on).
void LockPartition(pg::Connection& connection, const PartitionSource& source);
/// DROP TABLE of a partition, in the caller's transaction. It locks event_log itself for a
/// moment, which every event writer and reader holds too: it waits a bounded time, retrying,
/// rather than queueing everyone behind it.
void DropPartition(pg::Connection& connection, const PartitionSource& source);
/// Deletes the commit numbers (event_commits) of transactions before `cutoff` whose events are
/// all gone (their partitions dropped); returns how many.
std::int64_t ForgetCommitNumbersWithoutEvents(pg::Connection& connection,
                                              const std::string& cutoff);

/// Makes the event_log partition of the month of `date` (YYYY-MM-DD) if it is missing.
void EnsureEventLogPartition(pg::Connection& connection, const std::string& date);
/// Inserts rows given as a JSON array of row_to_json objects into `table`, leaving the rows
/// already there; returns how many were inserted.
std::int64_t InsertJsonRows(pg::Connection& connection, const std::string& table,
                            const std::string& json_array);

/// The session advisory lock archival runs and restores share; false if another holds it.
bool TryLockArchiving(pg::Connection& connection);
void UnlockArchiving(pg::Connection& connection);

}  // namespace nedlia::archive
