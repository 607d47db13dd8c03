#include "archive/archive_sources.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "pg/errors.hpp"

namespace nedlia::archive {
namespace {

// ISO 8601 in UTC with microseconds: exact, and ordered as text.
constexpr const char* kIsoFormat = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

std::string IsoUtc(const std::string& expression) {
  return fmt::format("to_char(({}) AT TIME ZONE 'UTC', {})", expression, kIsoFormat);
}

// Every table and column name here is one of ours (RowSources, the catalog's partitions), never
// user input; the cutoff is PostgreSQL's own rendering of a timestamp.
std::string PastRetention(const RowSource& source, const std::string& cutoff) {
  return fmt::format("{} < '{}'::timestamptz", source.time_column, cutoff);
}

}  // namespace

std::vector<RowSource> RowSources(const RetentionPolicy& policy) {
  return {{"placements", "deleted_at", policy.deleted_placements_days},
          {"validation_runs", "created_at", policy.validation_runs_days}};
}

std::string CutoffFor(pg::Connection& connection, int days) {
  return connection
      .Execute(
          "SELECT to_char((now() - make_interval(days => $1)) AT TIME ZONE 'UTC', "
          "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')",
          pg::Params(days))
      .Single()[0]
      .As<std::string>();
}

std::vector<PartitionSource> PartitionsPastRetention(pg::Connection& connection, int days) {
  const std::string cutoff = CutoffFor(connection, days);
  // A monthly partition's upper bound is the first instant (UTC) of the next month.
  const pg::Result result = connection.Execute(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'event_log'::regclass AND c.relname ~ '^event_log_[0-9]{4}_[0-9]{2}$' "
      "AND (to_date(substr(c.relname, 11), 'YYYY_MM') + interval '1 month') "
      "<= ($1::timestamptz AT TIME ZONE 'UTC') ORDER BY c.relname",
      pg::Params(cutoff));
  std::vector<PartitionSource> partitions;
  for (const pg::Row& row : result)
    partitions.push_back({row[0].As<std::string>(), cutoff});
  return partitions;
}

std::vector<ColumnShape> ColumnsOf(pg::Connection& connection, const std::string& table) {
  std::vector<ColumnShape> columns;
  for (const pg::Row& row : connection.Execute(
           "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
           "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
           pg::Params(table))) {
    const std::string name = row[0].As<std::string>();
    columns.push_back({name, JsonKindOf(name, row[1].As<std::string>())});
  }
  return columns;
}

std::string CopyRowsPastRetention(const RowSource& source, const std::string& cutoff, long limit) {
  return fmt::format(
      "COPY (SELECT t.* FROM {} t WHERE {} ORDER BY t.{}, t.id LIMIT {} FOR UPDATE) TO STDOUT",
      source.table, PastRetention(source, cutoff), source.time_column, limit);
}

std::string CopyPartition(const PartitionSource& source) {
  return fmt::format("COPY (SELECT t.* FROM {} t ORDER BY t.position) TO STDOUT", source.name);
}

long CountPastRetention(pg::Connection& connection, const RowSource& source,
                        const std::string& cutoff) {
  return static_cast<long>(connection
                               .Execute(fmt::format("SELECT count(*) FROM {} WHERE {}",
                                                    source.table, PastRetention(source, cutoff)))
                               .Single()[0]
                               .As<std::int64_t>());
}

TimeRange RangePastRetention(pg::Connection& connection, const RowSource& source,
                             const std::string& cutoff) {
  const pg::Row row =
      connection
          .Execute(fmt::format("SELECT coalesce({}, ''), coalesce({}, '') FROM {} WHERE {}",
                               IsoUtc("min(" + source.time_column + ")"),
                               IsoUtc("max(" + source.time_column + ")"), source.table,
                               PastRetention(source, cutoff)))
          .Single();
  return {row[0].As<std::string>(), row[1].As<std::string>()};
}

PartitionContents ContentsOf(pg::Connection& connection, const PartitionSource& source) {
  const pg::Row row =
      connection
          .Execute(fmt::format("SELECT count(*), coalesce({}, ''), "
                               "coalesce({}, '') FROM {}",
                               IsoUtc("min(created_at)"), IsoUtc("max(created_at)"), source.name))
          .Single();
  return {static_cast<long>(row[0].As<std::int64_t>()),
          {row[1].As<std::string>(), row[2].As<std::string>()}};
}

std::string SchemaRevision(pg::Connection& connection) {
  return connection
      .Execute(
          "SELECT coalesce(string_agg(revision, ',' ORDER BY revision), '') "
          "FROM nedlia_schema_version")
      .Single()[0]
      .As<std::string>();
}

void UseArchiveTimeStyle(pg::Connection& connection) {
  connection.Execute("SET LOCAL TimeZone = 'UTC'");
  connection.Execute("SET LOCAL DateStyle = 'ISO, YMD'");
}

std::int64_t DeleteRowsById(pg::Connection& connection, const std::string& table,
                            const std::vector<std::string>& ids) {
  return connection
      .Execute(fmt::format("DELETE FROM {} WHERE id = ANY($1::uuid[])", table), pg::Params(ids))
      .AffectedRows();
}

void LockPartition(pg::Connection& connection, const PartitionSource& source) {
  connection.Execute(fmt::format("LOCK TABLE {} IN SHARE MODE", source.name));
}

void DropPartition(pg::Connection& connection, const PartitionSource& source) {
  constexpr int kAttempts = 5;
  connection.Execute("SET LOCAL lock_timeout = '3s'");
  for (int attempt = 1;; ++attempt) {
    connection.Execute("SAVEPOINT drop_partition");
    try {
      connection.Execute(fmt::format("DROP TABLE {}", source.name));
      connection.Execute("RELEASE SAVEPOINT drop_partition");
      return;
    } catch (const pg::Error& error) {
      if (attempt == kAttempts)
        throw;
      spdlog::info("archive: dropping {} waits for event_log's lock ({})", source.name,
                   error.what());
      connection.Execute("ROLLBACK TO SAVEPOINT drop_partition");
    }
  }
}

std::int64_t ForgetCommitNumbersWithoutEvents(pg::Connection& connection,
                                              const std::string& cutoff) {
  return connection
      .Execute(R"sql(
          DELETE FROM event_commits c
          WHERE c.last_created_at < $1::timestamptz
            AND NOT EXISTS (SELECT FROM event_log e
                            WHERE e.transaction_id = c.transaction_id
                              AND e.created_at BETWEEN c.first_created_at
                                                   AND c.last_created_at))sql",
               pg::Params(cutoff))
      .AffectedRows();
}

void EnsureEventLogPartition(pg::Connection& connection, const std::string& date) {
  connection.Execute("SELECT nedlia_ensure_event_log_partitions_for($1::date, 1)",
                     pg::Params(date));
}

std::int64_t InsertJsonRows(pg::Connection& connection, const std::string& table,
                            const std::string& json_array) {
  return connection
      .Execute(fmt::format("INSERT INTO {0} SELECT * FROM json_populate_recordset(NULL::{0}, "
                           "$1::json) ON CONFLICT DO NOTHING",
                           table),
               pg::Params(json_array))
      .AffectedRows();
}

// "nedlia" in ASCII, then 7 (the migrator uses ...01, partition upkeep ...02).
constexpr std::int64_t kArchivingLockKey = 0x6e65646c69610007;

bool TryLockArchiving(pg::Connection& connection) {
  return connection.Execute("SELECT pg_try_advisory_lock($1)", pg::Params(kArchivingLockKey))
      .Single()[0]
      .As<bool>();
}

void UnlockArchiving(pg::Connection& connection) {
  connection.Execute("SELECT pg_advisory_unlock($1)", pg::Params(kArchivingLockKey));
}

}  // namespace nedlia::archive
