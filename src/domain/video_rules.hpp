#pragma once

#include <cstddef>
#include <cstdint>

#include "domain/entities.hpp"
#include "domain/field_error.hpp"

namespace nedlia::domain {

/// videos.title is VARCHAR(255).
inline constexpr std::size_t kMaxVideoTitle = 255;

/// A video's own fields: a title of 1..255 characters, a positive storable duration and, when
/// given, an absolute http(s) or s3 source URL. Errors point at /title, /duration, /source_url.
FieldErrors Validate(const Video& video);

/// A video enters the catalog while it is processed or once it is ready; it is never
/// registered archived. The error points at /status.
FieldErrors ValidateNewVideoStatus(VideoStatus status);

/// A video cannot go from `from` to `to` (processing → ready → archived only); the error
/// points at /status. Staying put is no move and always allowed.
FieldErrors CheckVideoMove(VideoStatus from, VideoStatus to);

/// A video may not become shorter than the live placements in it: `placements_outside` of them
/// would end after `duration_ms`. The error points at /duration and says how many.
FieldErrors CheckShortening(std::int64_t duration_ms, std::int64_t placements_outside);

}  // namespace nedlia::domain
