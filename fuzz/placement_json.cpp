// The bodies of POST /v1/placements and PATCH /v1/placements/{id}: what a reader accepts is
// checked by the domain's rules (or refused there with field errors) and reads back the same
// from the canonical body, times written as the API writes them (seconds, numbers).
#include "api/placement_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"
#include "app/event_data.hpp"
#include "domain/position.hpp"
#include "domain/statuses.hpp"
#include "domain/text_fields.hpp"
#include "domain/time_range.hpp"

namespace nedlia::fuzz {
namespace {

using nlohmann::json;

json OrNull(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

json PositionOrNull(const std::optional<domain::Position>& position) {
  return position ? app::PositionData(*position) : json(nullptr);
}

json BodyOf(const app::NewPlacement& input) {
  json body = {{"video_id", input.video_id.ToString()},
               {"product_id", input.product_id.ToString()},
               {"time_range", app::TimeRangeData(input.time_range)},
               {"status", domain::ToString(input.status)}};
  if (input.description)
    body["description"] = *input.description;
  if (input.position)
    body["position"] = app::PositionData(*input.position);
  if (input.file_url)
    body["file_url"] = *input.file_url;
  return body;
}

json BodyOf(const app::PlacementPatch& patch) {
  json body = json::object();
  if (patch.time_range)
    body["time_range"] = app::TimeRangeData(*patch.time_range);
  if (patch.description)
    body["description"] = OrNull(*patch.description);
  if (patch.position)
    body["position"] = PositionOrNull(*patch.position);
  if (patch.status)
    body["status"] = domain::ToString(*patch.status);
  if (patch.file_url)
    body["file_url"] = OrNull(*patch.file_url);
  return body;
}

void CheckRules(const domain::TimeRange& range, const std::optional<domain::Position>& position,
                const std::optional<std::string>& file_url) {
  CheckFieldErrors(domain::Validate(range, "/time_range"));
  if (position)
    CheckFieldErrors(domain::Validate(*position, "/position"));
  if (file_url)
    CheckFieldErrors(domain::ValidateUrl(*file_url, "/file_url"));
}

void CheckNew(std::string_view text) {
  const auto input = ReadBody([&] { return api::ReadNewPlacement(text); });
  if (!input)
    return;
  CheckRules(input->time_range, input->position, input->file_url);
  const app::NewPlacement again =
      ReadBack([&] { return api::ReadNewPlacement(BodyOf(*input).dump()); });
  Check(again.video_id == input->video_id && again.product_id == input->product_id &&
            again.time_range.start_ms == input->time_range.start_ms &&
            again.time_range.end_ms == input->time_range.end_ms &&
            again.description == input->description && again.position == input->position &&
            again.status == input->status && again.file_url == input->file_url,
        "a new placement reads back the same");
}

void CheckPatch(std::string_view text) {
  const auto patch = ReadBody([&] { return api::ReadPlacementPatch(text); });
  if (!patch)
    return;
  if (patch->time_range)
    CheckRules(*patch->time_range, patch->position.value_or(std::nullopt),
               patch->file_url.value_or(std::nullopt));
  const app::PlacementPatch again =
      ReadBack([&] { return api::ReadPlacementPatch(BodyOf(*patch).dump()); });
  const auto same_range = [](const auto& a, const auto& b) {
    return a.has_value() == b.has_value() &&
           (!a || (a->start_ms == b->start_ms && a->end_ms == b->end_ms));
  };
  Check(same_range(again.time_range, patch->time_range) &&
            again.description == patch->description && again.position == patch->position &&
            again.status == patch->status && again.file_url == patch->file_url,
        "a placement patch reads back the same");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = nedlia::fuzz::AsText(data, size);
  nedlia::fuzz::CheckNew(text);
  nedlia::fuzz::CheckPatch(text);
  return 0;
}
