#pragma once

#include <string>

#include "app/ports/object_store.hpp"
#include "backup/backup_manifest.hpp"
#include "pg/cluster_layout.hpp"

namespace nedlia::backup {

/// A database to dump or restore into, and the client programs to do it with.
struct LogicalTarget {
  std::string url;
  std::string display_url;  ///< the URL with its password hidden, for the manifest and errors
  pg::PostgresBinaries binaries;
};

/// pg_dump -Fc of the database into the store, with a manifest (size, SHA-256). Works on any
/// PostgreSQL, Aurora included: the portable copy.
BackupManifest CreateLogicalBackup(app::ObjectStore& store, const LogicalTarget& source);

/// Checks the dump's size and SHA-256, then that pg_restore can read its table of contents.
void CheckLogicalBackup(app::ObjectStore& store, const BackupManifest& backup,
                        const pg::PostgresBinaries& binaries);

/// Restores a logical backup into `target` (an empty database) in one transaction, after
/// checking the dump: it is restored whole or not at all.
void RestoreLogicalBackup(app::ObjectStore& store, const BackupManifest& backup,
                          const LogicalTarget& target);

}  // namespace nedlia::backup
