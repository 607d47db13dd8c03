#include "api/video_json.hpp"

#include "api/json_document.hpp"
#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/errors.hpp"
#include "domain/decimal.hpp"
#include "domain/video_rules.hpp"

namespace nedlia::api {
namespace {

using Presence = ObjectReader::Presence;

constexpr std::size_t kMaxUrl = 2048;

/// The metadata member, taken out of `json` and checked (an object jsonb can store).
TakenDocument TakeMetadata(nlohmann::json& json, domain::FieldErrors& errors) {
  return TakeDocument(json, "metadata", nlohmann::json::value_t::object, errors);
}

std::optional<domain::VideoStatus> ReadStatus(ObjectReader& body, Presence presence) {
  return body.Enumerated<domain::VideoStatus>("status", presence,
                                              domain::ParseStatus<domain::VideoStatus>,
                                              domain::AllowedValues<domain::VideoStatus>());
}

}  // namespace

nlohmann::json VideoJson(const domain::Video& video) {
  nlohmann::json json = {
      {"id", video.id.ToString()},
      {"title", video.title},
      {"duration", domain::ToDouble(video.duration_ms, domain::kSecondsDecimals)},
      {"source_url", OrNull(video.source_url)},
      {"status", domain::ToString(video.status)},
      {"metadata", Document(video.metadata)}};
  AddAudit(json, video.audit);
  return json;
}

app::NewVideo ReadNewVideo(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  const TakenDocument metadata = TakeMetadata(json, errors);
  ObjectReader body(json, "", errors);
  const auto title = body.Text("title", domain::kMaxVideoTitle, Presence::kRequired);
  const auto duration = body.Seconds("duration", Presence::kRequired);
  app::NewVideo input{
      .source_url = body.Text("source_url", kMaxUrl, Presence::kOptional),
      .status = ReadStatus(body, Presence::kOptional).value_or(domain::VideoStatus::kProcessing)};
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  input.title = *title;
  input.duration_ms = *duration;
  // An absent or null metadata is the column's default, the empty object.
  if (metadata.state == TakenDocument::State::kValue)
    input.metadata = metadata.text;
  return input;
}

app::VideoPatch ReadVideoPatch(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  TakeReadOnly(json, kServerOwnedMembers, errors);
  const TakenDocument metadata = TakeMetadata(json, errors);
  if (metadata.state == TakenDocument::State::kNull)
    errors.push_back({"/metadata", "cannot be null; send {} for no metadata"});
  ObjectReader body(json, "", errors);
  app::VideoPatch patch;
  if (body.Sets("title"))
    patch.title = body.Text("title", domain::kMaxVideoTitle, Presence::kRequired);
  if (body.Sets("duration"))
    patch.duration_ms = body.Seconds("duration", Presence::kRequired);
  if (body.Has("source_url")) {
    if (body.IsNull("source_url")) {
      patch.source_url = std::optional<std::string>();
    } else if (auto url = body.Text("source_url", kMaxUrl, Presence::kRequired)) {
      patch.source_url = std::move(url);
    }
  }
  if (metadata.state == TakenDocument::State::kValue)
    patch.metadata = metadata.text;
  if (body.Sets("status"))
    patch.status = ReadStatus(body, Presence::kRequired);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return patch;
}

}  // namespace nedlia::api
