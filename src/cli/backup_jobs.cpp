#include "cli/backup_jobs.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "backup/backup_catalog.hpp"
#include "backup/backup_window.hpp"
#include "backup/base_backup.hpp"
#include "backup/logical_backup.hpp"
#include "backup/retention.hpp"
#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/job_records.hpp"
#include "cli/object_store_factory.hpp"
#include "cli/wal_archiving.hpp"
#include "pg/managed_cluster.hpp"
#include "repositories/job_runs.hpp"

namespace nedlia::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kScheduleFirstCheck = 1min;  // let the server settle first
// Often enough that a window of an hour always sees several checks.
constexpr auto kScheduleCheckEvery = 10min;

void RunScheduledBackup(const Settings& settings) {
  const auto store = MakeObjectStore(settings);
  const auto period = std::chrono::hours(settings.backup_schedule_hours);
  std::optional<backup::Timestamp> newest;
  for (const auto& made : backup::ListBackups(*store)) {
    if (made.kind == backup::BackupKind::kBase) {
      newest = made.finished_at;
    }
  }
  if (backup::ScheduledBackupDue(newest, backup::Now(), period, settings.backup_window)) {
    const auto made = CreateBaseBackupOf(settings, *store);
    spdlog::info("scheduled base backup {} taken", made.id);
  }
  const auto plan = backup::Prune(*store, backup::Now(), settings.backup_retention_days, false);
  if (!plan.expired_backups.empty() || !plan.expired_wal_keys.empty()) {
    spdlog::info("backup retention: deleted {} backups and {} WAL files",
                 plan.expired_backups.size(), plan.expired_wal_keys.size());
  }
}

// The device of `path`, or of its nearest ancestor that exists (a directory not made yet will
// be made there).
std::optional<dev_t> DeviceOf(fs::path path) {
  path = fs::absolute(path);
  while (true) {
    struct stat status {};
    if (::stat(path.c_str(), &status) == 0)
      return status.st_dev;
    if (!path.has_relative_path())
      return std::nullopt;
    path = path.parent_path();
  }
}

}  // namespace

bool BackupsShareTheDatabaseDisk(const Settings& settings) {
  if (settings.database_url || settings.s3_endpoint)
    return false;
  if (!settings.backup_archive_wal && settings.backup_schedule_hours == 0)
    return false;
  const auto store = DeviceOf(settings.objects_dir);
  return store && store == DeviceOf(settings.pg_dir);
}

backup::BackupManifest CreateBaseBackupOf(const Settings& settings, app::ObjectStore& store) {
  if (settings.database_url) {
    throw UserError(
        "NEDLIA_DATABASE_URL is set: base backups and point-in-time restore are for the managed "
        "cluster; on Aurora use its automated backups and PITR, or `nedlia backup create "
        "--logical` for a portable copy");
  }
  pg::ManagedCluster cluster(ManagedClusterOptions(settings));
  StartManagedCluster(settings, cluster);
  return RecordingJob(settings, repositories::kBackupJob, [&] {
    return backup::CreateBaseBackup(store, {cluster.Url("postgres"), ClientBinaries()});
  });
}

backup::BackupManifest CreateLogicalBackupOf(const Settings& settings, app::ObjectStore& store) {
  const std::string url = ResolveDatabaseUrl(settings);
  return RecordingJob(settings, repositories::kBackupJob, [&] {
    return backup::CreateLogicalBackup(store, {url, RedactUrl(url), ClientBinaries()});
  });
}

pg::PostgresBinaries ClientBinaries() {
  return pg::FindPostgresBinaries(std::nullopt, std::nullopt);
}

std::optional<process::UserIdentity> ServerUserFor(const Settings& settings) {
  return pg::ResolveClusterLayout(settings.pg_dir, settings.pg_port).server_user;
}

backup::RecoverySetup RecoverySetupFor(const Settings& settings,
                                       const std::optional<process::UserIdentity>& server_user) {
  backup::RecoverySetup setup{ClientBinaries(), server_user, {}};
  setup.restore_command = [settings, server_user](const fs::path& run_dir) {
    const fs::path env_file = run_dir / "store.env";
    WriteStoreEnvironment(settings, env_file, server_user);
    return NedliaCommand("wal-fetch %f %p", env_file);
  };
  return setup;
}

std::unique_ptr<backup::BackupSchedule> StartDailyBackups(const Settings& settings) {
  if (settings.database_url || !settings.backup_archive_wal ||
      settings.backup_schedule_hours == 0) {
    return nullptr;
  }
  spdlog::info("scheduled base backups: when the newest is {} h old, starting at {}",
               settings.backup_schedule_hours, settings.backup_window.Describe());
  return std::make_unique<backup::BackupSchedule>([settings] { RunScheduledBackup(settings); },
                                                  kScheduleFirstCheck, kScheduleCheckEvery);
}

}  // namespace nedlia::cli
