#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/object_store.hpp"
#include "archive/archive_manifest.hpp"
#include "archive/archive_sources.hpp"
#include "archive/retention_policy.hpp"
#include "pg/connection.hpp"

namespace nedlia::archive {

/// What an archival run reports as it goes. Both methods do nothing by default.
class ArchiveObserver {
 public:
  virtual ~ArchiveObserver() = default;
  /// A step of the crash-safe protocol has just completed: "journal-opened", "part-written",
  /// "manifest-written", "verified", "rows-deleted" (not yet committed), "committed"; and
  /// for the leftovers of an interrupted run, "pending-objects-deleted", "pending-cleaned". The
  /// tests kill the process at each of them.
  virtual void StepDone(std::string_view /*step*/) {}
  /// `done` of the `total` rows of `what` (a table or a partition) are archived.
  virtual void Progress(const std::string& /*what*/, long /*done*/, long /*total*/) {}
};

/// Makes archival runs and restores take turns, across processes (`nedlia serve`'s daily run
/// and the CLI): a session advisory lock, released on destruction or when the session ends
/// (a crash included). Throws ArchiveError when another holds it.
class ArchiveRunLock {
 public:
  explicit ArchiveRunLock(pg::Connection& connection);
  ~ArchiveRunLock();
  ArchiveRunLock(const ArchiveRunLock&) = delete;
  ArchiveRunLock& operator=(const ArchiveRunLock&) = delete;

 private:
  pg::Connection& connection_;
};

/// How big archives and their parts grow. A part is held in memory while it is written and
/// while it is read back, so it is bounded in rows and in uncompressed bytes.
struct ArchiveLimits {
  long rows_per_archive = 1'000'000;  ///< rows of one table per archive (partitions: all)
  long rows_per_part = 100'000;
  std::size_t bytes_per_part = std::size_t{256} << 20;
};

struct ArchiveRunOptions {
  std::string storage_class;  ///< for the parts; the manifest stays in the default class
  ArchiveLimits limits;
};

/// What a run would archive (`archive run --dry-run`).
struct PlannedArchive {
  std::string table;
  std::string partition;  ///< a whole event_log partition, else empty
  long rows = 0;
  std::string first_at;
  std::string last_at;
  std::string cutoff;
};

struct ArchiveRunReport {
  std::vector<ArchiveManifest> archived;
  int pending_cleaned = 0;  ///< archives an interrupted run left unfinished, removed
};

/// Moves rows past retention from the database to the object store, crash-safely:
///  1. a pending journal row is committed (ArchiveJournal::Open);
///  2. in one transaction, the rows are locked and written to the store as parts, then a
///     manifest; everything is read back and checked; exactly those rows are deleted (or the
///     partition is dropped) and the journal row becomes complete; commit.
/// A crash before the commit leaves the rows in the database and a pending journal row: the
/// next run deletes that archive's objects before it starts, so no row is ever both archived
/// and in the database, nor in two archives. An object store that is down stops the run
/// before anything is deleted. Runs are serialised by an advisory lock.
class Archiver {
 public:
  Archiver(pg::Connection& connection, app::ObjectStore& store, RetentionPolicy policy,
           ArchiveRunOptions options = {}, ArchiveObserver* observer = nullptr);

  /// What Run would archive now; changes nothing.
  std::vector<PlannedArchive> Plan();
  /// Archives everything past retention. Throws app::ObjectStoreError or ArchiveError (after
  /// rolling back the archive in progress) when the store fails or reads back wrong.
  ArchiveRunReport Run();

 private:
  int CleanUpPending();
  bool ArchiveRows(const RowSource& source, ArchiveRunReport& report);
  void ArchivePartition(const PartitionSource& source, ArchiveRunReport& report);

  pg::Connection& connection_;
  app::ObjectStore& store_;
  RetentionPolicy policy_;
  ArchiveRunOptions options_;
  ArchiveObserver default_observer_;
  ArchiveObserver& observer_;
};

}  // namespace nedlia::archive
