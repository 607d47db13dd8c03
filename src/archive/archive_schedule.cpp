#include "archive/archive_schedule.hpp"

#include <spdlog/spdlog.h>

#include <optional>

namespace nedlia::archive {

ArchiveSchedule::ArchiveSchedule(pg::Pool& pool, app::ObjectStore& store, RetentionPolicy policy,
                                 ArchiveRunOptions run_options,
                                 const ArchiveScheduleOptions& options)
    : pool_(pool),
      store_(store),
      policy_(policy),
      run_options_(std::move(run_options)),
      options_(options),
      thread_(options.first_run, [this] { return RunOnce() ? options_.period : options_.retry; }) {}

bool ArchiveSchedule::RunOnce() {
  std::optional<pg::PooledConnection> connection;
  try {
    connection.emplace(pool_.Acquire());
    const ArchiveRunReport report = Archiver(**connection, store_, policy_, run_options_).Run();
    std::int64_t rows = 0;
    for (const ArchiveManifest& manifest : report.archived)
      rows += manifest.rows;
    if (!report.archived.empty()) {
      spdlog::info("archive: {} archive(s), {} row(s) moved to the object store",
                   report.archived.size(), rows);
    }
    if (options_.on_run)
      options_.on_run(&**connection, rows, nullptr);
    return true;
  } catch (const std::exception& error) {
    if (options_.on_run)
      options_.on_run(connection ? &**connection : nullptr, 0, error.what());
    // Nothing the failed archive held was deleted; its leftovers go at the next run.
    spdlog::warn("archive run failed, retrying in {} min: {}",
                 std::chrono::duration_cast<std::chrono::minutes>(options_.retry).count(),
                 error.what());
    return false;
  }
}

}  // namespace nedlia::archive
