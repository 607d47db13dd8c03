#include "backup/backup_manifest.hpp"

#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "backup/backup_error.hpp"

namespace nedlia::backup {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "nedlia-backup/1";
constexpr std::uint64_t kWalSegmentSize = 16ULL * 1024 * 1024;  // initdb's default

std::string Compact(Timestamp time) {
  std::string text = FormatTimestamp(time);  // 2026-12-02T02:15:00.123456Z
  std::string compact;
  for (const char c : text.substr(0, 19)) {
    if (c != '-' && c != ':') {
      compact += c;
    }
  }
  return compact + "Z";
}

Timestamp TimeField(const json& object, const char* name) {
  const auto parsed = ParseTimestamp(object.at(name).get<std::string>());
  if (!parsed) {
    throw std::invalid_argument(std::string(name) + " is not a time");
  }
  return *parsed;
}

}  // namespace

const StoredFile& BackupManifest::File(std::string_view name) const {
  for (const auto& file : files) {
    if (file.name == name) {
      return file;
    }
  }
  throw BackupError("backup " + id + " has no " + std::string(name) + " in its manifest");
}

std::uint64_t BackupManifest::TotalSize() const {
  std::uint64_t total = 0;
  for (const auto& file : files) {
    total += file.size;
  }
  return total;
}

std::string ManifestKey(std::string_view id) {
  return std::string(kBackupPrefix) + std::string(id) + "/manifest.json";
}

std::string FileKey(std::string_view id, std::string_view name) {
  return std::string(kBackupPrefix) + std::string(id) + "/" + std::string(name);
}

std::string_view KindName(BackupKind kind) {
  return kind == BackupKind::kBase ? "base" : "logical";
}

std::string NewBackupId(BackupKind kind, Timestamp now) {
  std::random_device random;
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return Compact(now) + "-" + std::string(KindName(kind)) + "-" + suffix;
}

std::string ToJson(const BackupManifest& manifest) {
  json files = json::array();
  for (const auto& file : manifest.files) {
    files.push_back(
        {{"name", file.name}, {"key", file.key}, {"size", file.size}, {"sha256", file.sha256}});
  }
  json object = {{"format", kFormat},
                 {"kind", KindName(manifest.kind)},
                 {"id", manifest.id},
                 {"started_at", FormatTimestamp(manifest.started_at)},
                 {"finished_at", FormatTimestamp(manifest.finished_at)},
                 {"pg_version", manifest.pg_version},
                 {"files", files}};
  if (manifest.kind == BackupKind::kBase) {
    object["timeline"] = manifest.timeline;
    object["start_lsn"] = manifest.start_lsn;
    object["stop_lsn"] = manifest.stop_lsn;
    object["start_wal"] = manifest.start_wal;
  } else {
    object["database"] = manifest.database;
  }
  return object.dump(2) + "\n";
}

BackupManifest ManifestFromJson(std::string_view text, std::string_view key) {
  try {
    const json object = json::parse(text);
    if (object.at("format") != kFormat) {
      throw std::invalid_argument("unknown format");
    }
    BackupManifest manifest;
    manifest.kind = object.at("kind") == "logical" ? BackupKind::kLogical : BackupKind::kBase;
    manifest.id = object.at("id").get<std::string>();
    manifest.started_at = TimeField(object, "started_at");
    manifest.finished_at = TimeField(object, "finished_at");
    manifest.pg_version = object.at("pg_version").get<std::string>();
    for (const auto& file : object.at("files")) {
      manifest.files.push_back(
          {file.at("name"), file.at("key"), file.at("size"), file.at("sha256")});
    }
    if (manifest.kind == BackupKind::kBase) {
      manifest.timeline = object.at("timeline").get<std::uint32_t>();
      manifest.start_lsn = object.at("start_lsn").get<std::string>();
      manifest.stop_lsn = object.at("stop_lsn").get<std::string>();
      manifest.start_wal = object.at("start_wal").get<std::string>();
    } else {
      manifest.database = object.at("database").get<std::string>();
    }
    return manifest;
  } catch (const std::exception& error) {
    throw BackupError("backup manifest " + std::string(key) + " is unreadable: " + error.what());
  }
}

std::string WalFileName(std::uint32_t timeline, std::string_view lsn) {
  unsigned high = 0;
  unsigned low = 0;
  const std::string text(lsn);
  if (std::sscanf(text.c_str(), "%X/%X", &high, &low) != 2) {
    throw BackupError("'" + text + "' is not a WAL position");
  }
  const std::uint64_t position = (static_cast<std::uint64_t>(high) << 32) | low;
  const std::uint64_t segment = position / kWalSegmentSize;
  const std::uint64_t per_id = 0x100000000ULL / kWalSegmentSize;
  char name[25];
  std::snprintf(name, sizeof name, "%08X%08X%08X", timeline,
                static_cast<unsigned>(segment / per_id), static_cast<unsigned>(segment % per_id));
  return name;
}

}  // namespace nedlia::backup
