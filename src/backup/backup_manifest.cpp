#include "backup/backup_manifest.hpp"

#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>

#include "backup/backup_error.hpp"
#include "backup/wal_archive.hpp"

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

// A whole number of `Unsigned`'s range: nlohmann's get<> would wrap -1 or 2^32 silently.
template <class Unsigned>
Unsigned WholeField(const json& object, const char* name) {
  const json& value = object.at(name);
  if (!value.is_number_unsigned() ||
      value.get<std::uint64_t>() > std::numeric_limits<Unsigned>::max()) {
    throw std::invalid_argument(std::string(name) + " is not a whole number in range");
  }
  return value.get<Unsigned>();
}

// "0/3000028": two groups of 1 to 8 hexadecimal digits; nullopt for anything else.
std::optional<std::uint64_t> ParseLsn(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  std::uint64_t position = 0;
  for (const std::string_view half : {text.substr(0, slash), text.substr(slash + 1)}) {
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(half.data(), half.data() + half.size(), value, 16);
    if (half.empty() || half.size() > 8 || error != std::errc() ||
        end != half.data() + half.size()) {
      return std::nullopt;
    }
    position = (position << 32) | value;
  }
  return position;
}

std::string LsnField(const json& object, const char* name) {
  std::string text = object.at(name).get<std::string>();
  if (!ParseLsn(text)) {
    throw std::invalid_argument(std::string(name) + " is not a WAL position");
  }
  return text;
}

BackupKind KindField(const json& object) {
  const std::string kind = object.at("kind").get<std::string>();
  if (kind != "base" && kind != "logical") {
    throw std::invalid_argument("kind is neither base nor logical");
  }
  return kind == "logical" ? BackupKind::kLogical : BackupKind::kBase;
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
    manifest.kind = KindField(object);
    manifest.id = object.at("id").get<std::string>();
    manifest.started_at = TimeField(object, "started_at");
    manifest.finished_at = TimeField(object, "finished_at");
    manifest.pg_version = object.at("pg_version").get<std::string>();
    for (const auto& file : object.at("files")) {
      manifest.files.push_back({file.at("name"), file.at("key"),
                                WholeField<std::uint64_t>(file, "size"), file.at("sha256")});
    }
    if (manifest.kind == BackupKind::kBase) {
      manifest.timeline = WholeField<std::uint32_t>(object, "timeline");
      manifest.start_lsn = LsnField(object, "start_lsn");
      manifest.stop_lsn = LsnField(object, "stop_lsn");
      manifest.start_wal = object.at("start_wal").get<std::string>();
      // Retention keeps the WAL from here on, and a restore replays it: it must name a segment.
      if (manifest.timeline == 0 || manifest.start_wal.size() != 24 ||
          !IsWalFileName(manifest.start_wal)) {
        throw std::invalid_argument("timeline and start_wal do not name a WAL segment");
      }
    } else {
      manifest.database = object.at("database").get<std::string>();
    }
    return manifest;
  } catch (const std::exception& error) {
    throw BackupError("backup manifest " + std::string(key) + " is unreadable: " + error.what());
  }
}

std::string WalFileName(std::uint32_t timeline, std::string_view lsn) {
  const std::optional<std::uint64_t> parsed = ParseLsn(lsn);
  if (!parsed) {
    throw BackupError("'" + std::string(lsn) + "' is not a WAL position");
  }
  const std::uint64_t position = *parsed;
  const std::uint64_t segment = position / kWalSegmentSize;
  const std::uint64_t per_id = 0x100000000ULL / kWalSegmentSize;
  char name[25];
  std::snprintf(name, sizeof name, "%08X%08X%08X", timeline,
                static_cast<unsigned>(segment / per_id), static_cast<unsigned>(segment % per_id));
  return name;
}

}  // namespace nedlia::backup
