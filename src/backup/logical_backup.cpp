#include "backup/logical_backup.hpp"

#include "backup/backup_catalog.hpp"
#include "backup/backup_error.hpp"
#include "backup/base_backup.hpp"
#include "backup/scratch_directory.hpp"
#include "process/subprocess.hpp"

namespace nedlia::backup {
namespace {

namespace fs = std::filesystem;

constexpr auto kToolTimeout = std::chrono::hours(6);
constexpr std::string_view kDumpName = "dump.pgdump";

void RunTool(const std::vector<std::string>& argv, const std::string& what) {
  const auto result = process::Run(argv, {.timeout = kToolTimeout});
  if (!result.Succeeded()) {
    throw BackupError(what + ": " +
                      DescribeFailure(fs::path(argv[0]).filename().string(), result.exit_code,
                                      result.timed_out, result.output));
  }
}

void RefuseBase(const BackupManifest& backup) {
  if (backup.kind != BackupKind::kLogical) {
    throw BackupError("backup " + backup.id +
                      " is a base backup: restore it with `nedlia backup restore --to DIR`");
  }
}

// The dump, checked, in a file pg_restore can read.
fs::path FetchDump(app::ObjectStore& store, const BackupManifest& backup, const fs::path& dir) {
  fs::path dump = dir / kDumpName;
  WriteWholeFile(dump, FetchVerified(store, backup, backup.File(kDumpName)));
  return dump;
}

}  // namespace

BackupManifest CreateLogicalBackup(app::ObjectStore& store, const LogicalTarget& source) {
  BackupManifest manifest;
  manifest.kind = BackupKind::kLogical;
  manifest.started_at = Now();
  manifest.id = NewBackupId(BackupKind::kLogical, manifest.started_at);
  manifest.pg_version = source.binaries.version;
  manifest.database = source.display_url;
  const ScratchDirectory scratch("nedlia-dump");
  const fs::path dump = scratch.Path() / kDumpName;
  RunTool({source.binaries.Program("pg_dump").string(), "--format=custom", "--no-password",
           "--dbname=" + source.url, "--file=" + dump.string()},
          "cannot dump " + source.display_url);
  manifest.finished_at = Now();
  manifest.files.push_back(PutNewFile(store, manifest.id, kDumpName, ReadWholeFile(dump)));
  PutManifest(store, manifest);
  return manifest;
}

void CheckLogicalBackup(app::ObjectStore& store, const BackupManifest& backup,
                        const pg::PostgresBinaries& binaries) {
  RefuseBase(backup);
  const ScratchDirectory scratch("nedlia-dump");
  const fs::path dump = FetchDump(store, backup, scratch.Path());
  RunTool({binaries.Program("pg_restore").string(), "--list", dump.string()},
          "backup " + backup.id + " is not a readable pg_dump archive");
}

void RestoreLogicalBackup(app::ObjectStore& store, const BackupManifest& backup,
                          const LogicalTarget& target) {
  RefuseBase(backup);
  const ScratchDirectory scratch("nedlia-dump");
  const fs::path dump = FetchDump(store, backup, scratch.Path());
  RunTool(
      {target.binaries.Program("pg_restore").string(), "--single-transaction", "--exit-on-error",
       "--no-owner", "--no-password", "--dbname=" + target.url, dump.string()},
      "cannot restore backup " + backup.id + " into " + target.display_url +
          " (nothing was restored)");
}

}  // namespace nedlia::backup
