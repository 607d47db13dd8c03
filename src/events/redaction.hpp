#pragma once

#include <nlohmann/json.hpp>

#include "events/catalog.hpp"

namespace nedlia::events {

/// Writes the catalog's redacted value into every sensitive field present in `data`, at any
/// depth, as `fields` declares them (see FieldSpec::sensitive). A conversion down to a version
/// that once carried personal data marks where it went (with null); this fills the places in.
void Redact(const Fields& fields, nlohmann::json& data);

}  // namespace nedlia::events
