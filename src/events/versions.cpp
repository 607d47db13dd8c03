#include "events/versions.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "domain/decimal.hpp"
#include "domain/time_range.hpp"

namespace nedlia::events {
namespace {

using Converter = nlohmann::json (*)(const nlohmann::json&);

/// One step between adjacent versions of a type.
struct Step {
  std::string_view type;
  int from;
  int to;
  Converter convert;
};

// com.nedlia.placement.created: v2 carries the time range in whole milliseconds (start_ms,
// end_ms) instead of seconds (start_time, end_time), and may carry status and position.

nlohmann::json PlacementCreatedV1ToV2(const nlohmann::json& v1) {
  nlohmann::json v2 = v1;
  const nlohmann::json& range = v1.at("time_range");
  const auto ms = [&](const char* key) {
    return static_cast<std::int64_t>(std::llround(range.at(key).get<double>() * 1000.0));
  };
  v2["time_range"] = {{"start_ms", ms("start_time")}, {"end_ms", ms("end_time")}};
  return v2;
}

nlohmann::json PlacementCreatedV2ToV1(const nlohmann::json& v2) {
  nlohmann::json v1 = v2;
  v1.erase("status");
  v1.erase("position");
  const nlohmann::json& range = v2.at("time_range");
  const auto seconds = [&](const char* key) {
    return domain::ToDouble(range.at(key).get<std::int64_t>(), domain::kSecondsDecimals);
  };
  v1["time_range"] = {{"start_time", seconds("start_ms")}, {"end_time", seconds("end_ms")}};
  return v1;
}

constexpr std::array kSteps{
    Step{"com.nedlia.placement.created", 1, 2, &PlacementCreatedV1ToV2},
    Step{"com.nedlia.placement.created", 2, 1, &PlacementCreatedV2ToV1},
};

const Step* FindStep(std::string_view type, int from, int to) {
  for (const Step& step : kSteps) {
    if (step.type == type && step.from == from && step.to == to)
      return &step;
  }
  return nullptr;
}

/// Each step from `from` to `to`, or an empty list when one is missing.
std::vector<const Step*> Path(std::string_view type, int from, int to) {
  std::vector<const Step*> path;
  for (int version = from; version != to;) {
    const int next = version < to ? version + 1 : version - 1;
    const Step* step = FindStep(type, version, next);
    if (step == nullptr)
      return {};
    path.push_back(step);
    version = next;
  }
  return path;
}

}  // namespace

bool CanConvert(std::string_view type, int from, int to) {
  return from == to || !Path(type, from, to).empty();
}

std::optional<nlohmann::json> ConvertData(std::string_view type, int from, int to,
                                          const nlohmann::json& data) {
  if (!CanConvert(type, from, to))
    return std::nullopt;
  nlohmann::json converted = data;
  for (const Step* step : Path(type, from, to))
    converted = step->convert(converted);
  return converted;
}

}  // namespace nedlia::events
