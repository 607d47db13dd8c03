#include "backup/backup_catalog.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "archive/archive_codec.hpp"
#include "backup/backup_error.hpp"
#include "crypto/digest.hpp"

namespace nedlia::backup {
namespace {

constexpr std::string_view kManifestName = "/manifest.json";

}  // namespace

std::vector<BackupManifest> ListBackups(app::ObjectStore& store) {
  std::vector<BackupManifest> backups;
  for (const auto& object : store.List(std::string(kBackupPrefix))) {
    if (!object.key.ends_with(kManifestName)) {
      continue;
    }
    try {
      backups.push_back(ManifestFromJson(store.Get(object.key).bytes, object.key));
    } catch (const BackupError& error) {
      spdlog::warn("{}", error.what());
    }
  }
  std::sort(backups.begin(), backups.end(),
            [](const auto& a, const auto& b) { return a.finished_at < b.finished_at; });
  return backups;
}

BackupManifest LoadBackup(app::ObjectStore& store, std::string_view id) {
  const std::string key = ManifestKey(id);
  try {
    return ManifestFromJson(store.Get(key).bytes, key);
  } catch (const app::ObjectNotFound&) {
    throw BackupError("there is no backup '" + std::string(id) +
                      "' in the object store; `nedlia backup list` shows them");
  }
}

std::string FetchVerified(app::ObjectStore& store, const BackupManifest& manifest,
                          const StoredFile& file) {
  const std::string where = "backup " + manifest.id + ": " + file.key;
  std::string bytes;
  try {
    bytes = store.Get(file.key).bytes;
  } catch (const app::ObjectNotFound&) {
    throw BackupError(where + " is missing from the object store");
  }
  if (bytes.size() != file.size) {
    throw BackupError(where + " is " + (bytes.size() < file.size ? "truncated" : "corrupt") + " (" +
                      std::to_string(bytes.size()) + " bytes, the manifest says " +
                      std::to_string(file.size) + ")");
  }
  if (crypto::Sha256Hex(bytes) != file.sha256) {
    throw BackupError(where + " is corrupt (its SHA-256 differs from the manifest's)");
  }
  return bytes;
}

StoredFile PutNewFile(app::ObjectStore& store, std::string_view id, std::string_view name,
                      const std::string& bytes) {
  StoredFile file{std::string(name), FileKey(id, name), bytes.size(), crypto::Sha256Hex(bytes)};
  if (store.Head(file.key)) {
    throw BackupError("object " + file.key + " already exists; a backup never overwrites one");
  }
  store.Put(file.key, bytes, {});
  return file;
}

void PutManifest(app::ObjectStore& store, const BackupManifest& manifest) {
  const std::string key = ManifestKey(manifest.id);
  if (store.Head(key)) {
    throw BackupError("object " + key + " already exists; a backup never overwrites one");
  }
  store.Put(key, ToJson(manifest), {.content_type = "application/json"});
}

BackupManifest LatestBaseBackupBefore(const std::vector<BackupManifest>& backups, Timestamp time) {
  const BackupManifest* latest = nullptr;
  for (const auto& backup : backups) {
    if (backup.kind == BackupKind::kBase && backup.finished_at <= time) {
      latest = &backup;
    }
  }
  if (latest == nullptr) {
    throw BackupError("no base backup finished at or before " + FormatTimestamp(time) +
                      "; `nedlia backup list` shows the backups there are");
  }
  return *latest;
}

}  // namespace nedlia::backup
