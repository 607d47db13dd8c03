#include "domain/placement_rules.hpp"

#include <string>

#include "domain/decimal.hpp"

namespace nedlia::domain {

FieldErrors CheckPlacementFits(const TimeRange& range, const PlacementSurroundings& surroundings) {
  FieldErrors errors;
  if (!range.LiesWithin(surroundings.video_duration_ms)) {
    errors.push_back({"/time_range/end_time",
                      "must not be after the end of the video (" +
                          FormatDecimal(surroundings.video_duration_ms, kSecondsDecimals) +
                          " seconds)"});
  }
  if (surroundings.video_status == VideoStatus::kArchived) {
    errors.push_back({"/video_id", "the video is archived: it takes no new placements"});
  }
  if (surroundings.advertiser_status != AdvertiserStatus::kActive) {
    errors.push_back({"/product_id", "the product's advertiser is suspended"});
  }
  return errors;
}

std::optional<std::size_t> FindOverlap(const TimeRange& range,
                                       std::span<const TimeRange> active_ranges) {
  for (std::size_t i = 0; i < active_ranges.size(); ++i) {
    if (range.Overlaps(active_ranges[i]))
      return i;
  }
  return std::nullopt;
}

}  // namespace nedlia::domain
