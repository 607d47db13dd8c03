#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "app/ports/object_store.hpp"
#include "archive/archiver.hpp"
#include "pg/pool.hpp"
#include "process/periodic_thread.hpp"

namespace nedlia::archive {

struct ArchiveScheduleOptions {
  std::chrono::milliseconds first_run{std::chrono::minutes(5)};  ///< after the server starts
  std::chrono::milliseconds period{std::chrono::hours(24)};
  /// After a failed run (the object store or the database was down): nothing was deleted, so
  /// try again sooner than the next day.
  std::chrono::milliseconds retry{std::chrono::hours(1)};
  /// Told of each run's outcome on the run's connection (null when none could be had): the
  /// rows archived, or the error (null when it succeeded).
  std::function<void(pg::Connection* connection, std::int64_t rows, const char* error)> on_run;
};

/// Runs the archival in the background of `nedlia serve`: a first run shortly after start,
/// then daily. Runs of several servers take turns (Archiver's advisory lock): a server that
/// finds one in progress skips its turn.
class ArchiveSchedule {
 public:
  ArchiveSchedule(pg::Pool& pool, app::ObjectStore& store, RetentionPolicy policy,
                  ArchiveRunOptions run_options, const ArchiveScheduleOptions& options = {});

 private:
  /// True when the run succeeded.
  bool RunOnce();

  pg::Pool& pool_;
  app::ObjectStore& store_;
  RetentionPolicy policy_;
  ArchiveRunOptions run_options_;
  ArchiveScheduleOptions options_;
  /// Its destructor waits for a run in progress to finish.
  process::PeriodicThread thread_;
};

}  // namespace nedlia::archive
