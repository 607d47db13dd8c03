#include "domain/video_rules.hpp"

#include <string>

#include "domain/decimal.hpp"
#include "domain/text_fields.hpp"
#include "domain/time_range.hpp"

namespace nedlia::domain {

FieldErrors Validate(const Video& video) {
  FieldErrors errors = ValidateText(video.title, kMaxVideoTitle, "/title");
  auto add = [&errors](FieldErrors more) { errors.insert(errors.end(), more.begin(), more.end()); };
  add(ValidateDuration(video.duration_ms, "/duration"));
  if (video.source_url)
    add(ValidateUrl(*video.source_url, "/source_url"));
  return errors;
}

FieldErrors ValidateNewVideoStatus(VideoStatus status) {
  if (status == VideoStatus::kArchived)
    return {{"/status", "a new video is processing or ready"}};
  return {};
}

FieldErrors CheckVideoMove(VideoStatus from, VideoStatus to) {
  if (from == to || CanMove(from, to))
    return {};
  return {{"/status", "a video cannot go from " + std::string(ToString(from)) + " to " +
                          std::string(ToString(to)) + " (processing → ready → archived)"}};
}

FieldErrors CheckShortening(std::int64_t duration_ms, std::int64_t placements_outside) {
  if (placements_outside <= 0)
    return {};
  const std::string count = std::to_string(placements_outside);
  return {{"/duration", count + (placements_outside == 1 ? " placement ends" : " placements end") +
                            " after " + FormatDecimal(duration_ms, kSecondsDecimals) +
                            " seconds; shorten, move or delete " +
                            (placements_outside == 1 ? "it" : "them") + " first"}};
}

}  // namespace nedlia::domain
