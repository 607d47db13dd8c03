#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "domain/field_error.hpp"
#include "domain/statuses.hpp"
#include "domain/time_range.hpp"

namespace nedlia::domain {

/// What a placement's validity depends on beyond its own fields.
struct PlacementSurroundings {
  std::int64_t video_duration_ms = 0;
  VideoStatus video_status = VideoStatus::kProcessing;
  AdvertiserStatus advertiser_status = AdvertiserStatus::kActive;  ///< the product's advertiser
};

/// A placement must lie within its video, its video must not be archived and its product's
/// advertiser must be active. Errors point at /time_range/end_time, /video_id and /product_id.
FieldErrors CheckPlacementFits(const TimeRange& range, const PlacementSurroundings& surroundings);

/// The index of the first range in `active_ranges` (the other active placements of the same
/// product in the same video) that overlaps `range`, if any. The database's exclusion
/// constraint enforces the same rule under concurrency; this gives the early, precise answer.
std::optional<std::size_t> FindOverlap(const TimeRange& range,
                                       std::span<const TimeRange> active_ranges);

}  // namespace nedlia::domain
