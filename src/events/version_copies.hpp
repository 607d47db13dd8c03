#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/uuid.hpp"
#include "events/catalog.hpp"

namespace nedlia::events {

/// The extension attribute that marks an event as the copy of another, newer-version event,
/// made for the readers of an older version during its migration window. Its value is the
/// newer event's id; consumers that read the newer version skip the copy.
inline constexpr const char* kCopyOfAttribute = "nedliacopyof";

/// An event's data at an older version of its type.
struct OlderVersionCopy {
  const EventSchema* schema;  ///< the older version
  nlohmann::json data;
};

/// What to publish besides an event of `current` so that readers of its older versions keep
/// working: one copy per older version whose migration window (its catalog deprecation)
/// contains `now_ms`, the data converted down and checked against that version's schema.
/// Throws InvalidEvent when a conversion is missing or breaks the older schema (a bug in
/// versions.cpp: the command fails and nothing is committed).
std::vector<OlderVersionCopy> OlderVersionCopies(const Catalog& catalog, const EventSchema& current,
                                                 const nlohmann::json& data, std::int64_t now_ms);

/// Stamps a copy's envelope with the CloudEvents deprecation extension (deprecated,
/// deprecationfrom, deprecationsunset, and deprecationmigration: where the newer version's
/// schema is) and with kCopyOfAttribute naming the event it copies.
void MarkAsOlderVersionCopy(nlohmann::json& metadata, const Deprecation& deprecation,
                            const std::string& newer_schema_url, const domain::Uuid& original);

}  // namespace nedlia::events
