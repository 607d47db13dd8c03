// `nedlia backup ...`: base backups with continuous WAL archiving and point-in-time restore for
// the managed cluster, logical dumps for any database (see src/backup and README "Backups").
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>

#include "app/ports/object_store.hpp"
#include "backup/backup_catalog.hpp"
#include "backup/backup_error.hpp"
#include "backup/base_backup.hpp"
#include "backup/logical_backup.hpp"
#include "backup/recovery.hpp"
#include "backup/retention.hpp"
#include "backup/wal_archive.hpp"
#include "cli/backup_jobs.hpp"
#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/object_store_factory.hpp"
#include "cli/wal_archiving.hpp"

namespace nedlia::cli {
namespace {

namespace fs = std::filesystem;

/// restore_command's status when the store cannot answer or a segment is damaged: above 128,
/// PostgreSQL aborts recovery instead of taking "not there" for the end of the archive (which
/// would silently restore less than asked).
constexpr int kExitRecoveryMustStop = 255;
/// restore_command's status for "no such file": the normal end of the archive.
constexpr int kExitNoSuchWal = 1;

struct BackupFlags {
  bool logical = false;
  std::string id;
  std::string target_time;
  std::string to;
  std::string database_url;
  std::optional<int> days;
  bool dry_run = false;
  std::string env_file;
  std::string wal_path;
  std::string wal_name;
};

std::string HumanSize(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = 1024ULL * 1024;
  std::ostringstream text;
  if (bytes < kMiB) {
    text << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1024 << " KiB";
  } else {
    text << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / kMiB << " MiB";
  }
  return text.str();
}

void Create(const Settings& settings, bool logical) {
  const auto store = MakeObjectStore(settings);
  const backup::BackupManifest made =
      logical ? CreateLogicalBackupOf(settings, *store) : CreateBaseBackupOf(settings, *store);
  std::cout << "backup " << made.id << " created (" << backup::KindName(made.kind) << ", "
            << HumanSize(made.TotalSize()) << ")\n";
}

void List(const Settings& settings) {
  const auto store = MakeObjectStore(settings);
  const auto backups = backup::ListBackups(*store);
  if (backups.empty()) {
    std::cout << "no backups\n";
    return;
  }
  std::cout << std::left << std::setw(38) << "ID" << std::setw(9) << "KIND" << std::setw(29)
            << "FINISHED (UTC)" << std::setw(12) << "SIZE"
            << "WAL FROM / DATABASE\n";
  for (const auto& made : backups) {
    const bool base = made.kind == backup::BackupKind::kBase;
    std::cout << std::setw(38) << made.id << std::setw(9) << backup::KindName(made.kind)
              << std::setw(29) << backup::FormatTimestamp(made.finished_at) << std::setw(12)
              << HumanSize(made.TotalSize())
              << (base ? made.start_wal + " (" + made.start_lsn + ".." + made.stop_lsn + ")"
                       : made.database)
              << "\n";
  }
}

backup::BackupManifest Chosen(app::ObjectStore& store, const std::string& id) {
  if (!id.empty()) {
    return backup::LoadBackup(store, id);
  }
  const auto backups = backup::ListBackups(store);
  if (backups.empty()) {
    throw UserError("there are no backups to verify; `nedlia backup create` makes one");
  }
  return backups.back();
}

void Verify(const Settings& settings, const std::string& id) {
  const auto store = MakeObjectStore(settings);
  const backup::BackupManifest chosen = Chosen(*store, id);
  if (chosen.kind == backup::BackupKind::kLogical) {
    backup::CheckLogicalBackup(*store, chosen, ClientBinaries());
    std::cout << "backup " << chosen.id << ": OK (checksum matches, pg_restore reads it)\n";
    return;
  }
  backup::TestRestore(*store, chosen, RecoverySetupFor(settings, ServerUserFor(settings)));
  std::cout << "backup " << chosen.id
            << ": OK (checksums match; restored, started and answered a query)\n";
}

std::optional<backup::Timestamp> TargetTime(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  const auto parsed = backup::ParseTimestamp(text);
  if (!parsed) {
    throw UserError("--target-time '" + text +
                    "' is not a time with a zone; write e.g. 2026-12-02T02:15:00Z");
  }
  if (*parsed > backup::Now()) {
    throw UserError("--target-time " + text + " is in the future");
  }
  return parsed;
}

void RestoreLogical(const Settings& settings, const BackupFlags& flags) {
  if (flags.id.empty() || flags.database_url.empty()) {
    throw UserError("restore --logical needs the backup's ID and --database-url URL");
  }
  const auto store = MakeObjectStore(settings);
  const backup::BackupManifest chosen = backup::LoadBackup(*store, flags.id);
  backup::RestoreLogicalBackup(
      *store, chosen, {flags.database_url, RedactUrl(flags.database_url), ClientBinaries()});
  std::cout << "backup " << chosen.id << " restored into " << RedactUrl(flags.database_url) << "\n";
}

void Restore(const Settings& settings, const BackupFlags& flags) {
  if (flags.logical) {
    RestoreLogical(settings, flags);
    return;
  }
  if (flags.to.empty()) {
    throw UserError("restore needs --to DIR: a new directory for the restored cluster");
  }
  const auto target_time = TargetTime(flags.target_time);
  const auto store = MakeObjectStore(settings);
  const backup::BackupManifest chosen =
      flags.id.empty() ? backup::LatestBaseBackupBefore(backup::ListBackups(*store),
                                                        target_time.value_or(backup::Now()))
                       : backup::LoadBackup(*store, flags.id);
  if (target_time && chosen.finished_at > *target_time) {
    throw UserError("backup " + chosen.id + " finished after --target-time; pick an older one");
  }
  const pg::ClusterLayout layout = pg::ResolveClusterLayout(flags.to, settings.pg_port);
  pg::CreateDirectories(layout.home);
  backup::RestoreBaseBackup(*store, chosen, {.time = target_time, .immediate = false},
                            layout.data_dir, RecoverySetupFor(settings, layout.server_user));
  std::cout << "restored backup " << chosen.id << " to "
            << (target_time ? backup::FormatTimestamp(*target_time) : "the end of the archive")
            << " into " << layout.data_dir.string() << "; start it with `nedlia db start --dir "
            << flags.to << " --port PORT`\n";
}

void Prune(const Settings& settings, const BackupFlags& flags) {
  const auto store = MakeObjectStore(settings);
  const int days = flags.days.value_or(settings.backup_retention_days);
  const auto plan = backup::Prune(*store, backup::Now(), days, flags.dry_run);
  const char* verb = flags.dry_run ? "would delete" : "deleted";
  for (const auto& expired : plan.expired_backups) {
    std::cout << verb << " backup " << expired.id << "\n";
  }
  std::cout << verb << " " << plan.expired_backups.size() << " backups and "
            << plan.expired_wal_keys.size() << " WAL files older than " << days << " days"
            << (plan.oldest_needed_wal.empty() ? "" : "; WAL kept from " + plan.oldest_needed_wal)
            << "\n";
}

Settings StoreSettings(const Settings& settings, const std::string& env_file) {
  return env_file.empty() ? settings : WithStoreEnvironment(settings, env_file);
}

void WalPush(const Settings& settings, const BackupFlags& flags) {
  const auto store = MakeObjectStore(StoreSettings(settings, flags.env_file));
  backup::PushWalFile(*store, flags.wal_path, flags.wal_name);
}

int WalFetch(const Settings& settings, const BackupFlags& flags) {
  try {
    const auto store = MakeObjectStore(StoreSettings(settings, flags.env_file));
    return backup::FetchWalFile(*store, flags.wal_name, flags.wal_path) ? 0 : kExitNoSuchWal;
  } catch (const std::exception& error) {
    std::cerr << "nedlia: cannot fetch WAL file " << flags.wal_name << ": " << error.what() << "\n";
    return kExitRecoveryMustStop;
  }
}

}  // namespace

void AddBackupCommand(CLI::App& root, CommandContext& context) {
  CLI::App& group = *root.add_subcommand(
      "backup", "Base backups, WAL archiving, point-in-time restore, verify, retention");
  group.require_subcommand(1);
  auto flags = std::make_shared<BackupFlags>();
  const Settings& settings = context.settings;

  auto* create = group.add_subcommand("create", "Take a base backup of the managed cluster");
  create->add_flag("--logical", flags->logical,
                   "pg_dump the configured database instead (any PostgreSQL, Aurora included)");
  create->callback([&settings, flags] { Create(settings, flags->logical); });

  group.add_subcommand("list", "The backups in the object store, oldest first")
      ->callback([&settings] { List(settings); });

  auto* verify = group.add_subcommand(
      "verify", "Check a backup's checksums and restore it into a temporary directory");
  verify->add_option("id", flags->id, "The backup (default: the newest)");
  verify->callback([&settings, flags] { Verify(settings, flags->id); });

  auto* restore = group.add_subcommand(
      "restore", "Restore a base backup to a point in time into a new cluster directory");
  restore->add_option("id", flags->id, "The backup (default: the latest before the target)");
  restore->add_option("--target-time", flags->target_time,
                      "Recover up to this time, e.g. 2026-12-02T02:15:00Z (default: all WAL)");
  restore->add_option("--to", flags->to, "A new directory, as for `nedlia db start --dir`");
  restore->add_flag("--logical", flags->logical, "Restore a logical backup with pg_restore");
  restore->add_option("--database-url", flags->database_url,
                      "--logical: the (empty) database to restore into");
  restore->callback([&settings, flags] { Restore(settings, *flags); });

  auto* prune = group.add_subcommand("prune", "Delete backups and WAL past the retention");
  prune->add_option("--days", flags->days, "Retention (default: NEDLIA_BACKUP_RETENTION_DAYS)")
      ->check(CLI::Range(1, 3650));
  prune->add_flag("--dry-run", flags->dry_run, "Only say what would be deleted");
  prune->callback([&settings, flags] { Prune(settings, *flags); });

  auto* push = group.add_subcommand("wal-push", "archive_command: store one WAL file");
  push->add_option("path", flags->wal_path, "%p")->required();
  push->add_option("name", flags->wal_name, "%f")->required();
  push->add_option("--env-file", flags->env_file, "Object store settings written by nedlia");
  push->callback([&settings, flags] { WalPush(settings, *flags); });

  auto* fetch = group.add_subcommand("wal-fetch", "restore_command: fetch one WAL file");
  fetch->add_option("name", flags->wal_name, "%f")->required();
  fetch->add_option("path", flags->wal_path, "%p")->required();
  fetch->add_option("--env-file", flags->env_file, "Object store settings written by nedlia");
  fetch->callback([&settings, &context, flags] { context.exit_code = WalFetch(settings, *flags); });
}

}  // namespace nedlia::cli
