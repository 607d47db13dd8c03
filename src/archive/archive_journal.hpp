#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archive/archive_manifest.hpp"
#include "pg/connection.hpp"

namespace nedlia::archive {

/// One row of the `archives` table (see schema/300_archives.sql).
struct JournalEntry {
  std::string id;
  std::string table;
  std::string partition;  ///< empty unless a whole event_log partition
  std::string key_prefix;
  std::string status;  ///< pending | complete | restored
  std::int64_t rows = 0;
  std::string first_at;
  std::string last_at;
  std::string created_at;  ///< ISO 8601 UTC
  /// The schema revision the rows were read at; empty for archives completed before the
  /// journal recorded it.
  std::string schema_revision;
};

/// The archive journal: what was archived, and what an interrupted run left behind. Each call
/// runs on the connection as it is: inside the caller's transaction, or on its own.
class ArchiveJournal {
 public:
  explicit ArchiveJournal(pg::Connection& connection) : connection_(connection) {}

  /// Records a new pending archive of `table` (and `partition`) with a fresh id and key prefix.
  /// Call outside a transaction, so the record survives a crash of what follows.
  JournalEntry Open(const std::string& table, const std::string& partition);
  /// The pending archive holds what `manifest` says (rows, time range, schema revision); in
  /// the transaction that deletes the rows.
  void Complete(const std::string& id, const ArchiveManifest& manifest);
  void MarkRestored(const std::string& id);
  /// Removes a pending record once its objects are gone.
  void Forget(const std::string& id);

  std::vector<JournalEntry> WithStatus(const std::string& status);
  /// By id, or nullopt.
  std::optional<JournalEntry> Find(const std::string& id);
  /// By key prefix (archive/.../ID/), or nullopt.
  std::optional<JournalEntry> FindByPrefix(const std::string& key_prefix);

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::archive
