#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "migrate/script_directory.hpp"
#include "pg/connection.hpp"

namespace nedlia::migrate {

/// The table holding the revision(s) a database is at: one row per head of what is applied.
/// Each row also lists every applied revision and those among them that break earlier
/// releases ("revision message"), so that a release that has never seen those files can tell
/// whether it may run on the schema (see CheckReleaseFits).
inline constexpr std::string_view kCreateVersionTableSql = R"sql(
CREATE TABLE IF NOT EXISTS nedlia_schema_version (
    revision VARCHAR(32) PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
ALTER TABLE nedlia_schema_version
    ADD COLUMN IF NOT EXISTS applied TEXT[],
    ADD COLUMN IF NOT EXISTS breaking TEXT[])sql";

/// What the version table says of a database whose schema is at `applied`.
struct VersionRecord {
  RevisionSet heads;
  RevisionSet applied;
  /// "revision message" for each applied migration that breaks earlier releases.
  std::vector<std::string> breaking;
};

VersionRecord RecordOf(const ScriptDirectory& scripts, const RevisionSet& applied);

/// Replaces the table's rows with `record`, inside the connection's transaction.
void WriteVersionTable(pg::Connection& connection, const VersionRecord& record);

/// The same, as SQL text for `migrate upgrade --sql`.
std::string VersionTableSql(const VersionRecord& record);

/// The version table as written, read without knowing the files.
struct StoredVersion {
  RevisionSet heads;
  /// Every applied revision; empty with `complete` false when a migrator older than the
  /// applied list wrote the table.
  RevisionSet applied;
  bool complete = false;
  std::vector<std::string> breaking;
};

/// Reads the version table (a database never migrated reads as base, complete).
StoredVersion ReadVersionTable(pg::Connection& connection);

}  // namespace nedlia::migrate
