#pragma once

#include <string>

#include "app/ports/object_store.hpp"
#include "backup/backup_manifest.hpp"
#include "pg/cluster_layout.hpp"

namespace nedlia::backup {

/// The cluster to back up: a superuser connection (replication is allowed to it) and the
/// PostgreSQL binaries of its version.
struct BackupSource {
  std::string url;
  pg::PostgresBinaries binaries;
};

/// Takes a base backup with pg_basebackup (tar format, fast checkpoint, no WAL: the archive
/// holds it) and stores it zstd-compressed with PostgreSQL's backup_manifest and our manifest
/// (SHA-256 of each object, WAL range, times). Refuses when WAL archiving is off or failing,
/// since such a backup could never be restored. Nothing is listed until the manifest is in.
BackupManifest CreateBaseBackup(app::ObjectStore& store, const BackupSource& source);

/// One line that names a failed program and the end of its output.
std::string DescribeFailure(const std::string& program, int exit_code, bool timed_out,
                            const std::string& output);

}  // namespace nedlia::backup
