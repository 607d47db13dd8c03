#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "app/ports/object_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::testing {

/// What SeedRetentionData writes past retention (the default policy), table by table.
struct SeededPastRetention {
  static constexpr int kDeletedPlacements = 30;  ///< deleted 100 days ago
  static constexpr int kValidationRuns = 20;     ///< made 400 days ago
  static constexpr int kOldEvents = 50;          ///< in the month 26 months ago
};

/// Rows on both sides of every retention limit, written straight to the database: placements
/// deleted 100 days ago and 10 days ago and not deleted; validation runs made 400 and 10 days
/// ago; events 26 months ago (in their own partition) and now. Texts hold quotes, backslashes,
/// line breaks and non-ASCII, which the archive must carry exactly.
void SeedRetentionData(pg::Connection& sql);

/// Rows (and placement files, in `store`) on both sides of every purge's limit under the default
/// retention::PurgePolicy: of each of the seven kinds one past it, and what must stay: a
/// younger one, a pending delivery and an unresolved dead letter of any age, a live webhook, a
/// current placement file.
void SeedPurgeData(pg::Connection& sql, app::ObjectStore& store);

/// The rows (and recorded placement files) of every table the purges delete from, as
/// "table:count" in one line, for before/after comparisons.
std::string PurgeableTableCounts(pg::Connection& sql);

/// Every row of `table` as row_to_json text (in UTC), by id.
std::map<std::string, std::string> RowsById(pg::Connection& sql, const std::string& table);

/// Every row of every archive (of `table`) whose manifest is in the filesystem store at `root`,
/// checked, by id; fails the test on a row that two archives hold.
std::map<std::string, std::string> ArchivedRowsById(const std::filesystem::path& root,
                                                    const std::string& table);

/// Each row is in the database or in an archive, never both, never twice, and unchanged.
void ExpectNothingLostOrDoubled(const std::map<std::string, std::string>& original,
                                const std::map<std::string, std::string>& in_database,
                                const std::map<std::string, std::string>& archived);

/// Each row is still somewhere, unchanged (after a crash an unfinished archive may hold a copy
/// of rows still in the database, until the next run removes it).
void ExpectNothingLost(const std::map<std::string, std::string>& original,
                       const std::map<std::string, std::string>& in_database,
                       const std::map<std::string, std::string>& archived);

}  // namespace nedlia::testing
