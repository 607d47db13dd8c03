#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/entities.hpp"

namespace nedlia::app {

/// A stored opaque document (billing details, assets) as JSON, for event data; null for none.
nlohmann::json DocumentData(const std::optional<domain::OpaqueJson>& text);

/// True when two serialized documents hold the same JSON value. Their texts may differ (the
/// database normalises spacing and key order), so a PATCH repeating the stored value is no
/// change.
bool SameDocument(const std::optional<domain::OpaqueJson>& a,
                  const std::optional<domain::OpaqueJson>& b);

}  // namespace nedlia::app
