#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"

namespace nedlia::events {

/// The entry's data schema as a JSON Schema (draft 2020-12) document: closed objects
/// (additionalProperties false), required lists, nullable fields as ["type", "null"]. For
/// integrators' tools; the platform itself validates with CheckData.
nlohmann::json ToJsonSchema(const EventSchema& entry, const std::string& id);

/// Every entry's schema (deprecated versions too: their events are still in logs and feeds) by
/// versioned type, each with `base_url` + the versioned type as its $id: where an event's
/// dataschema points.
std::map<std::string, nlohmann::json> PublishedSchemas(const Catalog& catalog,
                                                       const std::string& base_url);

}  // namespace nedlia::events
