// The bodies of POST /v1/videos and PATCH /v1/videos/{id}: what a reader accepts is checked by
// the domain's rules (or refused there with field errors) and reads back the same from the
// canonical body, the duration written as the API writes it (seconds, a number).
#include "api/video_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"
#include "domain/decimal.hpp"
#include "domain/statuses.hpp"
#include "domain/time_range.hpp"
#include "domain/video_rules.hpp"

namespace nedlia::fuzz {
namespace {

using nlohmann::json;

json Seconds(std::int64_t ms) {
  return domain::ToDouble(ms, domain::kSecondsDecimals);
}

json BodyOf(const app::NewVideo& input) {
  json body = {{"title", input.title},
               {"duration", Seconds(input.duration_ms)},
               {"status", domain::ToString(input.status)},
               {"metadata", json::parse(input.metadata)}};
  if (input.source_url)
    body["source_url"] = *input.source_url;
  return body;
}

json BodyOf(const app::VideoPatch& patch) {
  json body = json::object();
  if (patch.title)
    body["title"] = *patch.title;
  if (patch.duration_ms)
    body["duration"] = Seconds(*patch.duration_ms);
  if (patch.source_url)
    body["source_url"] = *patch.source_url ? json(**patch.source_url) : json(nullptr);
  if (patch.metadata)
    body["metadata"] = json::parse(*patch.metadata);
  if (patch.status)
    body["status"] = domain::ToString(*patch.status);
  return body;
}

void CheckNew(std::string_view text) {
  const auto input = ReadBody([&] { return api::ReadNewVideo(text); });
  if (!input)
    return;
  CheckDocument(input->metadata, json::value_t::object);
  CheckFieldErrors(domain::Validate(domain::Video{.title = input->title,
                                                  .duration_ms = input->duration_ms,
                                                  .source_url = input->source_url,
                                                  .status = input->status,
                                                  .metadata = input->metadata}));
  CheckFieldErrors(domain::ValidateNewVideoStatus(input->status));
  const app::NewVideo again = ReadBack([&] { return api::ReadNewVideo(BodyOf(*input).dump()); });
  Check(again.title == input->title && again.duration_ms == input->duration_ms &&
            again.source_url == input->source_url && again.status == input->status &&
            again.metadata == input->metadata,
        "a new video reads back the same");
}

void CheckPatch(std::string_view text) {
  const auto patch = ReadBody([&] { return api::ReadVideoPatch(text); });
  if (!patch)
    return;
  if (patch->metadata)
    CheckDocument(*patch->metadata, json::value_t::object);
  const app::VideoPatch again =
      ReadBack([&] { return api::ReadVideoPatch(BodyOf(*patch).dump()); });
  Check(again.title == patch->title && again.duration_ms == patch->duration_ms &&
            again.source_url == patch->source_url && again.metadata == patch->metadata &&
            again.status == patch->status,
        "a video patch reads back the same");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = nedlia::fuzz::AsText(data, size);
  nedlia::fuzz::CheckNew(text);
  nedlia::fuzz::CheckPatch(text);
  return 0;
}
