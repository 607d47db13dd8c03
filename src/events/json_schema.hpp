#pragma once

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"

namespace nedlia::events {

/// The entry's data schema as a JSON Schema (draft 2020-12) document: closed objects
/// (additionalProperties false), required lists, nullable fields as ["type", "null"]. For
/// integrators' tools; the platform itself validates with CheckData.
nlohmann::json ToJsonSchema(const EventSchema& entry, const std::string& id);

}  // namespace nedlia::events
