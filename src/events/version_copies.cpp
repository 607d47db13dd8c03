#include "events/version_copies.hpp"

#include "events/envelope.hpp"
#include "events/redaction.hpp"
#include "events/versions.hpp"

namespace nedlia::events {

std::vector<OlderVersionCopy> OlderVersionCopies(const Catalog& catalog, const EventSchema& current,
                                                 const nlohmann::json& data, std::int64_t now_ms) {
  std::vector<OlderVersionCopy> copies;
  for (const EventSchema* entry : catalog.OlderVersions(current)) {
    const EventSchema& older = *entry;
    if (!older.deprecation || !older.deprecation->InWindow(now_ms))
      continue;
    std::optional<nlohmann::json> converted =
        ConvertData(current.type, current.version, older.version, data);
    if (!converted) {
      throw InvalidEvent("no conversion from " + current.VersionedType() + " to " +
                         older.VersionedType() + " (src/events/versions.cpp), which " + older.file +
                         " says is published until " + older.deprecation->sunset);
    }
    Redact(older.data, *converted);  // a leak is not a compatibility promise
    CheckAgainstCatalog(catalog, older.VersionedType(), *converted);
    copies.push_back({&older, std::move(*converted)});
  }
  return copies;
}

void MarkAsOlderVersionCopy(nlohmann::json& metadata, const Deprecation& deprecation,
                            const std::string& newer_schema_url, const domain::Uuid& original) {
  metadata["deprecated"] = true;
  metadata["deprecationfrom"] = deprecation.since;
  metadata["deprecationsunset"] = deprecation.sunset;
  metadata["deprecationmigration"] = newer_schema_url;
  metadata[kCopyOfAttribute] = original.ToString();
}

}  // namespace nedlia::events
