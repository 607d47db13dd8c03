#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/placement_commands.hpp"

namespace nedlia::api {

/// A placement as the API shows it: the specification's columns, times as
/// "time_range": {"start_time", "end_time"} in seconds, and its owning advertiser_id.
nlohmann::json PlacementJson(const app::OwnedPlacement& owned);

/// The body of POST /v1/placements; throws app::Error kInvalidInput naming every bad field.
app::NewPlacement ReadNewPlacement(std::string_view body);
/// The body of PATCH /v1/placements/{id}.
app::PlacementPatch ReadPlacementPatch(std::string_view body);

}  // namespace nedlia::api
