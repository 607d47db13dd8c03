#include "backup/retention.hpp"

#include <algorithm>
#include <set>

#include "backup/backup_catalog.hpp"
#include "backup/wal_archive.hpp"

namespace nedlia::backup {
namespace {

// The ids to keep: in the window, the anchor before it, and the newest of each kind.
std::set<std::string> KeptIds(const std::vector<BackupManifest>& sorted, Timestamp cutoff) {
  std::set<std::string> kept;
  const BackupManifest* anchor = nullptr;
  const BackupManifest* newest_base = nullptr;
  const BackupManifest* newest_logical = nullptr;
  for (const auto& backup : sorted) {  // oldest first
    const bool base = backup.kind == BackupKind::kBase;
    (base ? newest_base : newest_logical) = &backup;
    if (backup.finished_at >= cutoff) {
      kept.insert(backup.id);
    } else if (base) {
      anchor = &backup;
    }
  }
  for (const auto* backup : {anchor, newest_base, newest_logical}) {
    if (backup != nullptr) {
      kept.insert(backup->id);
    }
  }
  return kept;
}

// The key's WAL file name: wal/<name>.zst -> <name>.
std::string_view WalName(std::string_view key) {
  key.remove_prefix(kWalPrefix.size());
  if (key.ends_with(".zst")) {
    key.remove_suffix(4);
  }
  return key;
}

}  // namespace

PrunePlan PlanPrune(const std::vector<BackupManifest>& backups,
                    const std::vector<app::ObjectInfo>& wal_objects, Timestamp now, int days) {
  std::vector<BackupManifest> sorted = backups;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.finished_at < b.finished_at; });
  const std::set<std::string> kept = KeptIds(sorted, now - std::chrono::days(days));
  PrunePlan plan;
  // The WAL from the lowest first segment of the kept base backups on: not the oldest backup's,
  // since after a point-in-time restore a newer backup, on the new timeline, can start below
  // an older one.
  for (const auto& backup : sorted) {
    if (!kept.contains(backup.id)) {
      plan.expired_backups.push_back(backup);
    } else if (backup.kind == BackupKind::kBase &&
               (plan.oldest_needed_wal.empty() ||
                WalPosition(backup.start_wal) < WalPosition(plan.oldest_needed_wal))) {
      plan.oldest_needed_wal = backup.start_wal;
    }
  }
  const std::string_view needed = WalPosition(plan.oldest_needed_wal);
  if (needed.empty()) {
    return plan;
  }
  for (const auto& object : wal_objects) {
    const std::string_view position = WalPosition(WalName(object.key));
    if (!position.empty() && position < needed) {
      plan.expired_wal_keys.push_back(object.key);
    }
  }
  return plan;
}

void ApplyPrune(app::ObjectStore& store, const PrunePlan& plan) {
  for (const auto& backup : plan.expired_backups) {
    store.Delete(ManifestKey(backup.id));
    for (const auto& file : backup.files) {
      store.Delete(file.key);
    }
  }
  for (const auto& key : plan.expired_wal_keys) {
    store.Delete(key);
  }
}

PrunePlan Prune(app::ObjectStore& store, Timestamp now, int days, bool dry_run) {
  // Both listings before any delete: an outage in between deletes nothing.
  const auto backups = ListBackups(store);
  const auto wal_objects = store.List(std::string(kWalPrefix));
  PrunePlan plan = PlanPrune(backups, wal_objects, now, days);
  if (!dry_run) {
    ApplyPrune(store, plan);
  }
  return plan;
}

}  // namespace nedlia::backup
