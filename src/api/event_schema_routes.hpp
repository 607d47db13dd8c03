#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "http/router.hpp"

namespace nedlia::api {

/// The events' JSON Schemas by versioned type ("com.nedlia.placement.created.v2"), each with
/// its public URL as "$id".
using EventSchemas = std::map<std::string, nlohmann::json>;

/// Where the events' dataschema points, open to everyone (a receiver validates without a key):
///   GET /v1/schemas/events         the published types, each with its schema's URL
///   GET /v1/schemas/events/{type}  one type's JSON Schema, application/schema+json
/// Both are rendered once, carry a strong ETag and may be cached for an hour: a versioned
/// type's schema changes only by a new version.
void AddEventSchemaRoutes(http::Router& router, const EventSchemas& schemas);

}  // namespace nedlia::api
