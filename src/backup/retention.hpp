#pragma once

#include <string>
#include <vector>

#include "app/ports/object_store.hpp"
#include "backup/backup_manifest.hpp"

namespace nedlia::backup {

/// What a retention run deletes.
struct PrunePlan {
  std::vector<BackupManifest> expired_backups;
  std::vector<std::string> expired_wal_keys;
  std::string oldest_needed_wal;  ///< the oldest kept base backup's first segment; empty: none
};

/// Decides what `days` of retention let go, at `now`. Kept: every backup finished within the
/// window, plus the newest base backup finished before it (a restore to the window's first
/// instant starts from that one) and the newest backup of each kind whatever its age. WAL
/// older than the oldest kept base backup's first segment goes; none goes without a base
/// backup, and timeline history files always stay (they are tiny and recovery reads them).
PrunePlan PlanPrune(const std::vector<BackupManifest>& backups,
                    const std::vector<app::ObjectInfo>& wal_objects, Timestamp now, int days);

/// Deletes what the plan says: each backup's manifest first (so a half-deleted backup is never
/// listed as whole), then its files, then the WAL.
void ApplyPrune(app::ObjectStore& store, const PrunePlan& plan);

/// Lists, plans and applies. A store that cannot be listed throws before anything is deleted.
PrunePlan Prune(app::ObjectStore& store, Timestamp now, int days, bool dry_run);

}  // namespace nedlia::backup
