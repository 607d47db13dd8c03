#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nedlia::archive {

/// One object of an archive: a zstd JSON Lines stream of up to a bounded number of rows.
struct ArchivePart {
  std::string key;
  std::int64_t rows = 0;
  std::int64_t bytes = 0;
  std::string sha256;  ///< of the object's bytes, lowercase hex
};

/// What an archive holds, stored beside its parts as manifest.json. Everything needed to check
/// the parts and to put their rows back: the table, the schema revision they were read at
/// (rows come back into the same columns only while the schema is compatible), the time range.
struct ArchiveManifest {
  static constexpr std::string_view kFormat = "nedlia-archive/1";

  std::string id;         ///< the archive's id, also in every key of it
  std::string table;      ///< placements | validation_runs | event_log
  std::string partition;  ///< the dropped event_log partition, else empty
  std::string schema_revision;
  std::string time_column;  ///< what the time range and the retention measure
  std::string first_at;     ///< earliest time_column value, ISO 8601 UTC
  std::string last_at;      ///< latest
  std::string cutoff;       ///< rows older than this were past retention
  std::string created_at;
  std::int64_t rows = 0;
  std::vector<ArchivePart> parts;

  std::int64_t Bytes() const;
};

std::string ManifestToJson(const ArchiveManifest& manifest);
/// Throws ArchiveError when `json` is not a manifest this version reads, or its parts' rows do
/// not add up to its row count.
ArchiveManifest ParseManifest(std::string_view json);

/// Where an archive's objects live: archive/<table>/<YYYY>/<MM>/<id>/ (the month it was made).
std::string ArchivePrefix(std::string_view table, std::string_view created_at, std::string_view id);
std::string ManifestKey(std::string_view prefix);
std::string PartKey(std::string_view prefix, int part_number);

}  // namespace nedlia::archive
