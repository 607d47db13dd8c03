#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"

namespace nedlia::events {

/// Where an event's data breaks its schema: a JSON pointer into the data, and why.
struct SchemaViolation {
  std::string pointer;  ///< e.g. "/time_range/start_time"; "" for the data object itself
  std::string message;  ///< e.g. "must be a number"
};

/// Checks data against the catalog's fields (closed objects, types, formats, bounds, enums);
/// returns every violation, empty when the data conforms.
std::vector<SchemaViolation> CheckData(const Fields& fields, const nlohmann::json& data);

/// The format checks of the catalog, exposed for the envelope's own attributes.
bool IsUuid(std::string_view text);
/// An absolute URI (RFC 3986: a scheme, then anything without spaces).
bool IsUri(std::string_view text);
bool IsRfc3339Time(std::string_view text);

}  // namespace nedlia::events
