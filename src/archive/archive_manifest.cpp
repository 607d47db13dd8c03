#include "archive/archive_manifest.hpp"

#include <fmt/format.h>

#include <limits>

#include <nlohmann/json.hpp>

#include "archive/archive_codec.hpp"

namespace nedlia::archive {

std::int64_t ArchiveManifest::Bytes() const {
  std::int64_t bytes = 0;
  for (const ArchivePart& part : parts)
    bytes += part.bytes;
  return bytes;
}

std::string ManifestToJson(const ArchiveManifest& manifest) {
  nlohmann::ordered_json parts = nlohmann::ordered_json::array();
  for (const ArchivePart& part : manifest.parts) {
    parts.push_back(
        {{"key", part.key}, {"rows", part.rows}, {"bytes", part.bytes}, {"sha256", part.sha256}});
  }
  const nlohmann::ordered_json json = {
      {"format", ArchiveManifest::kFormat},
      {"id", manifest.id},
      {"table", manifest.table},
      {"partition", manifest.partition},
      {"schema_revision", manifest.schema_revision},
      {"time_column", manifest.time_column},
      {"first_at", manifest.first_at},
      {"last_at", manifest.last_at},
      {"cutoff", manifest.cutoff},
      {"created_at", manifest.created_at},
      {"rows", manifest.rows},
      {"compression", "zstd"},
      {"content", "JSON Lines, one row per line as PostgreSQL's row_to_json writes it"},
      {"parts", parts}};
  return json.dump(2) + "\n";
}

namespace {

template <class T>
T Required(const nlohmann::json& json, const char* name) {
  const auto found = json.find(name);
  if (found == json.end())
    throw ArchiveError(fmt::format("the manifest has no \"{}\"", name));
  try {
    return found->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ArchiveError(fmt::format("the manifest's \"{}\" has the wrong type", name));
  }
}

// A whole number of int64's range: get<std::int64_t>() would truncate 1.5, wrap 2^63 and
// overflow on 1e20.
std::int64_t RequiredWhole(const nlohmann::json& json, const char* name) {
  const auto found = json.find(name);
  if (found == json.end())
    throw ArchiveError(fmt::format("the manifest has no \"{}\"", name));
  if (!found->is_number_integer() ||
      (found->is_number_unsigned() &&
       found->get<std::uint64_t>() >
           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())))
    throw ArchiveError(fmt::format("the manifest's \"{}\" is not a whole number in range", name));
  return found->get<std::int64_t>();
}

ArchivePart ParsePart(const nlohmann::json& json) {
  ArchivePart part;
  part.key = Required<std::string>(json, "key");
  part.rows = RequiredWhole(json, "rows");
  part.bytes = RequiredWhole(json, "bytes");
  part.sha256 = Required<std::string>(json, "sha256");
  if (part.rows < 0 || part.bytes < 0 || part.sha256.size() != 64)
    throw ArchiveError("the manifest describes part " + part.key + " impossibly");
  return part;
}

}  // namespace

ArchiveManifest ParseManifest(std::string_view text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object())
    throw ArchiveError("the manifest is not a JSON object");
  if (Required<std::string>(json, "format") != ArchiveManifest::kFormat)
    throw ArchiveError("the manifest's format is not " + std::string(ArchiveManifest::kFormat));
  ArchiveManifest manifest;
  manifest.id = Required<std::string>(json, "id");
  manifest.table = Required<std::string>(json, "table");
  manifest.partition = Required<std::string>(json, "partition");
  manifest.schema_revision = Required<std::string>(json, "schema_revision");
  manifest.time_column = Required<std::string>(json, "time_column");
  manifest.first_at = Required<std::string>(json, "first_at");
  manifest.last_at = Required<std::string>(json, "last_at");
  manifest.cutoff = Required<std::string>(json, "cutoff");
  manifest.created_at = Required<std::string>(json, "created_at");
  manifest.rows = RequiredWhole(json, "rows");
  std::int64_t counted = 0;
  std::int64_t bytes = 0;
  constexpr std::int64_t kMost = std::numeric_limits<std::int64_t>::max();
  for (const nlohmann::json& part : Required<nlohmann::json>(json, "parts")) {
    const ArchivePart& parsed = manifest.parts.emplace_back(ParsePart(part));
    // Never negative (ParsePart); their sums must stay countable (Bytes() adds them too).
    if (parsed.rows > kMost - counted || parsed.bytes > kMost - bytes)
      throw ArchiveError("the manifest's parts add up to more than can be counted");
    counted += parsed.rows;
    bytes += parsed.bytes;
  }
  if (counted != manifest.rows) {
    throw ArchiveError(
        fmt::format("the manifest's parts hold {} rows, but it says {}", counted, manifest.rows));
  }
  return manifest;
}

std::string ArchivePrefix(std::string_view table, std::string_view created_at,
                          std::string_view id) {
  // created_at is ISO 8601: YYYY-MM-...
  return fmt::format("archive/{}/{}/{}/{}/", table, created_at.substr(0, 4),
                     created_at.substr(5, 2), id);
}

std::string ManifestKey(std::string_view prefix) {
  return std::string(prefix) + "manifest.json";
}

std::string PartKey(std::string_view prefix, int part_number) {
  return fmt::format("{}part-{:05}.jsonl.zst", prefix, part_number);
}

}  // namespace nedlia::archive
