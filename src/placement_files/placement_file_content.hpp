#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/uuid.hpp"

namespace nedlia::placement_files {

/// One active placement as the files show it.
struct FilePlacement {
  domain::Uuid id;
  domain::Uuid product_id;
  std::string product_name;
  domain::Uuid advertiser_id;
  std::string advertiser_name;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::optional<std::string> position_json;  ///< {"x","y","width","height"} as stored
};

/// What a video's placement files are made of: its active placements, sorted by start.
struct VideoPlacements {
  domain::Uuid video_id;
  std::vector<FilePlacement> placements;
};

/// "HH:MM:SS.mmm" (hours grow past 99 if they must), as WebVTT timestamps are written.
std::string VttTimestamp(std::int64_t ms);
/// A WebVTT metadata track: the "WEBVTT" header, then one cue per placement, sorted by start,
/// whose payload is one line of JSON (a player reads it from the cue's text).
std::string RenderVtt(const VideoPlacements& video);
/// The JSON manifest: the video, the URL of its WebVTT track and its placements, with time
/// ranges in the API's units (seconds, millisecond precision). Deterministic (no timestamps),
/// so the same placements always give the same bytes and thus the same content-addressed key.
std::string RenderManifest(const VideoPlacements& video, const std::string& vtt_url);

}  // namespace nedlia::placement_files
