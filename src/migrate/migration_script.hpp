#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nedlia::migrate {

/// A migration file that cannot be read; the message names the file and line.
class ScriptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One versioned SQL file under migrations/: a header naming its revision and its parent
/// (down_revision), then an "-- +up" part and an "-- +down" part.
///
///   -- nedlia migration
///   -- revision: 3f9a2c1b7e10
///   -- down_revision: none            (or the parent's revision)
///   -- message: initial schema
///   -- created: 2026-11-24T23:45:00Z
///   -- transactional: false           (optional: see `transactional`)
///   -- breaks: releases before this one (optional: see `breaks_earlier_releases`)
///
///   -- +up
///   CREATE TABLE ...;
///
///   -- +down
///   DROP TABLE ...;
struct MigrationScript {
  std::filesystem::path path;
  std::string revision;
  std::vector<std::string> down_revisions;  ///< empty for the first migration
  std::string message;
  std::string created;
  /// False for a migration whose statements cannot run in a transaction (CREATE INDEX
  /// CONCURRENTLY): each statement then commits on its own, and the version table is updated
  /// after the last. Killed midway, it is run again from its first statement, so its statements
  /// must be re-runnable (IF NOT EXISTS, and DROP INDEX CONCURRENTLY IF EXISTS before a CREATE
  /// INDEX CONCURRENTLY, which leaves an invalid index when it fails).
  bool transactional = true;
  /// True for a migration that releases older than it cannot run on (a contract step: it drops
  /// or renames what they use). Until one is applied, a release keeps running on a schema ahead
  /// of its own head, so that a rolling deploy and a rollback need no downtime; the version
  /// table records it, so that a release that has never seen the file still refuses to start.
  bool breaks_earlier_releases = false;
  std::string up_sql;
  std::string down_sql;
  int up_first_line = 0;    ///< the file line where up_sql starts, to place server errors
  int down_first_line = 0;  ///< likewise for down_sql
};

/// The only value of the `-- breaks:` header.
inline constexpr std::string_view kBreaksEarlierReleases = "releases before this one";

/// A SQL file's whole text; throws ScriptError when it cannot be read.
std::string ReadSqlFile(const std::filesystem::path& path);

/// Parses a migration file's text; throws ScriptError naming path and line.
MigrationScript ParseMigrationScript(const std::filesystem::path& path, std::string_view text);

/// Parses the up and down parts with PostgreSQL's grammar; throws ScriptError naming the file
/// and line of the first syntax error.
void CheckSqlSyntax(const MigrationScript& script);

/// Renders a new script (the inverse of ParseMigrationScript) for `migrate revision`.
std::string RenderMigrationScript(const MigrationScript& script);

/// True for 12 lowercase hexadecimal characters.
bool IsValidRevisionId(std::string_view revision);

}  // namespace nedlia::migrate
