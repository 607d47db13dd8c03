#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/ports/object_store.hpp"
#include "backup/backup_manifest.hpp"

namespace nedlia::backup {

/// Every complete backup in the store (those with a manifest), oldest first. A manifest that
/// cannot be read is skipped with a warning, never taken for a backup.
std::vector<BackupManifest> ListBackups(app::ObjectStore& store);

/// The backup with this id; throws BackupError when there is none.
BackupManifest LoadBackup(app::ObjectStore& store, std::string_view id);

/// A file of a backup, checked against the manifest (size, then SHA-256) before anything uses
/// it. Throws BackupError saying whether it is missing, truncated or corrupt.
std::string FetchVerified(app::ObjectStore& store, const BackupManifest& manifest,
                          const StoredFile& file);

/// Stores `bytes` as file `name` of backup `id` under a key never used before (an existing
/// object is never overwritten) and returns its manifest entry.
StoredFile PutNewFile(app::ObjectStore& store, std::string_view id, std::string_view name,
                      const std::string& bytes);

/// Writes the manifest last: only then does the backup exist for list and restore.
void PutManifest(app::ObjectStore& store, const BackupManifest& manifest);

/// The latest base backup finished at or before `time`; throws BackupError when none is.
BackupManifest LatestBaseBackupBefore(const std::vector<BackupManifest>& backups, Timestamp time);

}  // namespace nedlia::backup
