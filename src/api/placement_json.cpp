#include "api/placement_json.hpp"

#include <array>

#include "api/json_document.hpp"
#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/errors.hpp"
#include "app/event_data.hpp"

namespace nedlia::api {
namespace {

using Presence = ObjectReader::Presence;

constexpr std::size_t kMaxDescription = 10'000;
constexpr std::size_t kMaxUrl = 2048;

std::optional<domain::TimeRange> ReadTimeRange(ObjectReader& body, Presence presence) {
  auto reader = body.Object("time_range", presence);
  if (!reader)
    return std::nullopt;
  const auto start = reader->Seconds("start_time", Presence::kRequired);
  const auto end = reader->Seconds("end_time", Presence::kRequired);
  reader->Finish();
  if (!start || !end)
    return std::nullopt;
  return domain::TimeRange{*start, *end};
}

std::optional<domain::Position> ReadPosition(ObjectReader& body) {
  auto reader = body.Object("position", Presence::kOptional);
  if (!reader)
    return std::nullopt;
  const auto x = reader->Number("x", Presence::kRequired);
  const auto y = reader->Number("y", Presence::kRequired);
  const auto width = reader->Number("width", Presence::kRequired);
  const auto height = reader->Number("height", Presence::kRequired);
  reader->Finish();
  if (!x || !y || !width || !height)
    return std::nullopt;
  return domain::Position{*x, *y, *width, *height};
}

std::optional<domain::PlacementStatus> ReadStatus(ObjectReader& body) {
  return body.Enumerated<domain::PlacementStatus>("status", Presence::kOptional,
                                                  domain::ParseStatus<domain::PlacementStatus>,
                                                  domain::AllowedValues<domain::PlacementStatus>());
}

/// Reads a nullable member of a PATCH: absent (leave), null (clear) or a value.
template <typename T, typename Read>
std::optional<std::optional<T>> Nullable(ObjectReader& body, std::string_view name, Read read) {
  if (!body.Has(name))
    return std::nullopt;
  if (body.IsNull(name))
    return std::optional<T>();
  auto value = read();
  if (!value)
    return std::nullopt;  // the reader recorded why
  return std::optional<T>(std::move(*value));
}

}  // namespace

nlohmann::json PlacementJson(const app::OwnedPlacement& owned) {
  const domain::Placement& placement = owned.placement;
  nlohmann::json json = {
      {"id", placement.id.ToString()},
      {"video_id", placement.video_id.ToString()},
      {"product_id", placement.product_id.ToString()},
      {"advertiser_id", owned.advertiser_id.ToString()},
      {"time_range", app::TimeRangeData(placement.time_range)},
      {"description", OrNull(placement.description)},
      {"position", placement.position ? app::PositionData(*placement.position) : nullptr},
      {"status", domain::ToString(placement.status)},
      {"file_url", OrNull(placement.file_url)}};
  AddAudit(json, placement.audit);
  return json;
}

app::NewPlacement ReadNewPlacement(std::string_view text) {
  const nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  ObjectReader body(json, "", errors);
  const auto video_id = body.Id("video_id", Presence::kRequired);
  const auto product_id = body.Id("product_id", Presence::kRequired);
  const auto time_range = ReadTimeRange(body, Presence::kRequired);
  app::NewPlacement input{
      .description = body.FreeText("description", kMaxDescription, Presence::kOptional),
      .position = ReadPosition(body),
      .status = ReadStatus(body).value_or(domain::PlacementStatus::kActive),
      .file_url = body.Text("file_url", kMaxUrl, Presence::kOptional)};
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  input.video_id = *video_id;
  input.product_id = *product_id;
  input.time_range = *time_range;
  return input;
}

app::PlacementPatch ReadPlacementPatch(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  // A PATCH body may be a copy of what GET returned: what the server or the placement's
  // identity owns is refused once, by name.
  static constexpr std::array<std::string_view, 8> kReadOnly = {
      "id",         "version",  "created_at", "updated_at",
      "created_by", "video_id", "product_id", "advertiser_id"};
  TakeReadOnly(json, kReadOnly, errors);
  ObjectReader body(json, "", errors);
  app::PlacementPatch patch;
  if (body.Has("time_range"))
    patch.time_range = ReadTimeRange(body, Presence::kRequired);
  patch.description = Nullable<std::string>(body, "description", [&] {
    return body.FreeText("description", kMaxDescription, Presence::kRequired);
  });
  patch.position = Nullable<domain::Position>(body, "position", [&] { return ReadPosition(body); });
  patch.status = ReadStatus(body);
  patch.file_url = Nullable<std::string>(
      body, "file_url", [&] { return body.Text("file_url", kMaxUrl, Presence::kRequired); });
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return patch;
}

}  // namespace nedlia::api
