// Backup manifests (backups/<id>/manifest.json) as `nedlia backup list`, `verify`, `restore`
// and `prune` read them from the object store. The input holds one or more manifests, each
// after a line "---". A manifest that reads must write back the same, name the WAL it needs,
// and keep its times; the retention plan over all of them must never let go of the newest base
// backup, nor of WAL a kept base backup needs.
#include "backup/backup_manifest.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "backup/backup_error.hpp"
#include "backup/retention.hpp"
#include "backup/wal_archive.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

using backup::BackupError;
using backup::BackupKind;
using backup::BackupManifest;

std::vector<std::string_view> Documents(std::string_view text) {
  std::vector<std::string_view> documents;
  while (true) {
    const std::size_t separator = text.find("\n---\n");
    documents.push_back(text.substr(0, separator));
    if (separator == std::string_view::npos)
      return documents;
    text.remove_prefix(separator + 5);
  }
}

bool Same(const BackupManifest& a, const BackupManifest& b) {
  const auto same_file = [](const backup::StoredFile& x, const backup::StoredFile& y) {
    return x.name == y.name && x.key == y.key && x.size == y.size && x.sha256 == y.sha256;
  };
  const bool base_same =
      a.kind != BackupKind::kBase || (a.timeline == b.timeline && a.start_lsn == b.start_lsn &&
                                      a.stop_lsn == b.stop_lsn && a.start_wal == b.start_wal);
  return a.kind == b.kind && a.id == b.id && a.started_at == b.started_at &&
         a.finished_at == b.finished_at && a.pg_version == b.pg_version && base_same &&
         (a.kind != BackupKind::kLogical || a.database == b.database) &&
         std::equal(a.files.begin(), a.files.end(), b.files.begin(), b.files.end(), same_file);
}

void CheckManifest(const BackupManifest& manifest) {
  for (const backup::Timestamp time : {manifest.started_at, manifest.finished_at})
    Check(backup::ParseTimestamp(backup::FormatTimestamp(time)) == time, "a time round-trips");
  const auto again = ParseOr<BackupError>(
      [&] { return backup::ManifestFromJson(backup::ToJson(manifest), "again"); },
      [](const BackupError& error) {
        Fail(std::string("a manifest written back is refused: ") + error.what());
      });
  Check(Same(*again, manifest), "a manifest writes back the same");
  if (manifest.kind != BackupKind::kBase)
    return;
  Check(backup::IsWalFileName(manifest.start_wal), "a base backup names the WAL file it needs");
  if (const auto name = ParseOr<BackupError>(
          [&] { return backup::WalFileName(manifest.timeline, manifest.start_lsn); }))
    Check(backup::IsWalFileName(*name), "an LSN maps to a WAL file name");
}

/// WAL objects around the manifests' own start segments.
std::vector<app::ObjectInfo> WalObjects(const std::vector<BackupManifest>& manifests) {
  std::vector<app::ObjectInfo> objects = {{.key = "wal/000000010000000000000001.zst"},
                                          {.key = "wal/00000002.history.zst"},
                                          {.key = "wal/0000000100000009000000FF.zst"}};
  for (const BackupManifest& manifest : manifests)
    objects.push_back({.key = backup::WalKey(manifest.start_wal)});
  return objects;
}

void CheckRetention(const std::vector<BackupManifest>& manifests) {
  // A window of a day that ends half a day after the first manifest.
  const backup::Timestamp now = manifests.front().finished_at + std::chrono::hours(12);
  const backup::PrunePlan plan = backup::PlanPrune(manifests, WalObjects(manifests), now, 1);
  std::set<std::string> expired;
  for (const BackupManifest& backup : plan.expired_backups)
    expired.insert(backup.id);
  std::optional<backup::Timestamp> newest;
  for (const BackupManifest& manifest : manifests) {
    if (manifest.kind == BackupKind::kBase)
      newest = std::max(newest.value_or(manifest.finished_at), manifest.finished_at);
  }
  const auto kept_base = [&](const BackupManifest& manifest) {
    return manifest.kind == BackupKind::kBase && !expired.contains(manifest.id);
  };
  Check(!newest || std::any_of(manifests.begin(), manifests.end(),
                               [&](const BackupManifest& manifest) {
                                 return kept_base(manifest) && manifest.finished_at == *newest;
                               }),
        "the newest base backup is kept");
  for (const BackupManifest& manifest : manifests) {
    if (!kept_base(manifest))
      continue;
    for (const std::string& key : plan.expired_wal_keys)
      Check(key != backup::WalKey(manifest.start_wal), "WAL a kept base backup needs is kept");
  }
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  std::vector<BackupManifest> manifests;
  for (const std::string_view text : Documents(AsText(data, size))) {
    const auto manifest = ParseOr<BackupError>(
        [&] { return nedlia::backup::ManifestFromJson(text, "backups/x/manifest.json"); },
        [](const BackupError& error) {
          Check(std::string(error.what()).find("backups/x/manifest.json") != std::string::npos,
                "an unreadable manifest is named");
        });
    if (!manifest)
      continue;
    CheckManifest(*manifest);
    manifests.push_back(*manifest);
  }
  if (!manifests.empty())
    CheckRetention(manifests);
  return 0;
}
