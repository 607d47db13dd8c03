#include "app/event_data.hpp"

#include "domain/decimal.hpp"

namespace nedlia::app {

nlohmann::json TimeRangeData(const domain::TimeRange& range) {
  return {{"start_time", domain::ToDouble(range.start_ms, domain::kSecondsDecimals)},
          {"end_time", domain::ToDouble(range.end_ms, domain::kSecondsDecimals)}};
}

nlohmann::json PositionData(const domain::Position& position) {
  return {
      {"x", position.x}, {"y", position.y}, {"width", position.width}, {"height", position.height}};
}

nlohmann::json OptionalData(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json PlacementCreatedData(const domain::Placement& placement) {
  nlohmann::json data = {
      {"placement_id", placement.id.ToString()},
      {"video_id", placement.video_id.ToString()},
      {"product_id", placement.product_id.ToString()},
      {"time_range",
       {{"start_ms", placement.time_range.start_ms}, {"end_ms", placement.time_range.end_ms}}},
      {"status", std::string(ToString(placement.status))}};
  if (placement.position)
    data["position"] = PositionData(*placement.position);
  if (placement.audit.created_by)
    data["created_by"] = placement.audit.created_by->ToString();
  return data;
}

}  // namespace nedlia::app
