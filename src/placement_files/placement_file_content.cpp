#include "placement_files/placement_file_content.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace nedlia::placement_files {
namespace {

nlohmann::json PositionOf(const FilePlacement& placement) {
  if (!placement.position_json)
    return nullptr;
  return nlohmann::json::parse(*placement.position_json);
}

// The API's time unit: seconds as a JSON number with millisecond precision.
nlohmann::json Seconds(std::int64_t ms) {
  if (ms % 1000 == 0)
    return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}

// A cue's payload ends at a blank line and must not contain "-->": JSON has no raw newlines
// once dumped, and '>' can only occur inside strings, where \u003e means the same.
std::string CuePayload(const nlohmann::json& payload) {
  std::string text = payload.dump();
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text)
    escaped += c == '>' ? std::string("\\u003e") : std::string(1, c);
  return escaped;
}

}  // namespace

std::string VttTimestamp(std::int64_t ms) {
  return fmt::format("{:02}:{:02}:{:02}.{:03}", ms / 3'600'000, ms / 60'000 % 60, ms / 1000 % 60,
                     ms % 1000);
}

std::string RenderVtt(const VideoPlacements& video) {
  std::string vtt = "WEBVTT - Nedlia placements of video " + video.video_id.ToString() + "\n\n";
  for (const FilePlacement& placement : video.placements) {
    const nlohmann::json payload = {{"placement_id", placement.id.ToString()},
                                    {"product_id", placement.product_id.ToString()},
                                    {"product_name", placement.product_name},
                                    {"advertiser_id", placement.advertiser_id.ToString()},
                                    {"advertiser_name", placement.advertiser_name},
                                    {"position", PositionOf(placement)}};
    vtt += placement.id.ToString() + "\n" + VttTimestamp(placement.start_ms) + " --> " +
           VttTimestamp(placement.end_ms) + "\n" + CuePayload(payload) + "\n\n";
  }
  return vtt;
}

std::string RenderManifest(const VideoPlacements& video, const std::string& vtt_url) {
  nlohmann::json placements = nlohmann::json::array();
  for (const FilePlacement& placement : video.placements) {
    placements.push_back(
        {{"placement_id", placement.id.ToString()},
         {"product", {{"id", placement.product_id.ToString()}, {"name", placement.product_name}}},
         {"advertiser",
          {{"id", placement.advertiser_id.ToString()}, {"name", placement.advertiser_name}}},
         {"time_range",
          {{"start_time", Seconds(placement.start_ms)}, {"end_time", Seconds(placement.end_ms)}}},
         {"position", PositionOf(placement)}});
  }
  const nlohmann::json manifest = {{"video_id", video.video_id.ToString()},
                                   {"webvtt_url", vtt_url},
                                   {"placements", std::move(placements)}};
  return manifest.dump(2) + "\n";
}

}  // namespace nedlia::placement_files
