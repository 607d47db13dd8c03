#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "app/ports/object_store.hpp"
#include "backup/backup_manifest.hpp"
#include "pg/cluster_layout.hpp"
#include "process/subprocess.hpp"

namespace nedlia::backup {

/// Where recovery stops: at `time` (the last transaction committed at or before it), or, with
/// none, as soon as the backup is consistent (`immediate`) or at the end of the archived WAL.
struct RecoveryTarget {
  std::optional<Timestamp> time;
  bool immediate = false;
};

/// What recovering a base backup needs from its caller.
struct RecoverySetup {
  pg::PostgresBinaries binaries;
  /// The OS user the server runs as (as root: postgres); none: ourselves.
  std::optional<process::UserIdentity> server_user;
  /// The restore_command for PostgreSQL (it runs with the server's environment, not ours),
  /// given a private directory, owned by the server user, where it may put what it needs.
  std::function<std::string(const std::filesystem::path& run_dir)> restore_command;
};

/// Restores `backup` into `data_dir` and recovers it to `target` from the archived WAL: every
/// checksum is verified first (the store's SHA-256, then pg_verifybackup over the files),
/// recovery runs in a staging directory beside `data_dir` on a private socket, and the result
/// must start, promote and answer a query before it is renamed to `data_dir`. On any failure
/// nothing is left at `data_dir`. `data_dir` must not exist or be empty.
void RestoreBaseBackup(app::ObjectStore& store, const BackupManifest& backup,
                       const RecoveryTarget& target, const std::filesystem::path& data_dir,
                       const RecoverySetup& setup);

/// `backup verify`'s real restore test: restores `backup` into a temporary directory up to
/// the moment it is consistent (which needs its archived WAL), starts it, queries it, stops it
/// and removes it. Throws BackupError saying what failed.
void TestRestore(app::ObjectStore& store, const BackupManifest& backup, const RecoverySetup& setup);

}  // namespace nedlia::backup
