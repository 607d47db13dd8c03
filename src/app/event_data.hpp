#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/entities.hpp"

namespace nedlia::app {

/// The pieces of event data (the specification's catalog) shared by several events. Times
/// are seconds, as numbers; ids are canonical UUID strings.

nlohmann::json TimeRangeData(const domain::TimeRange& range);
nlohmann::json PositionData(const domain::Position& position);
nlohmann::json OptionalData(const std::optional<std::string>& value);
/// com.nedlia.placement.created.v2: placement_id, video_id, product_id, time_range in
/// milliseconds, status, position when set, created_by. (The outbox also writes the v1 copy
/// while v1's migration window lasts.)
nlohmann::json PlacementCreatedData(const domain::Placement& placement);

}  // namespace nedlia::app
