#pragma once

#include <cstdint>
#include <vector>

#include "domain/date.hpp"
#include "domain/statuses.hpp"
#include "domain/time_range.hpp"
#include "domain/uuid.hpp"
#include "domain/validation_report.hpp"

namespace nedlia::domain {

/// A placement of the video as the rules see it.
struct PlacementToValidate {
  Uuid id;
  Uuid product_id;
  TimeRange time_range;
  PlacementStatus status = PlacementStatus::kActive;
  /// False for a placement the report is not for (another advertiser's, in a run an
  /// advertiser requested): it still takes up the screen, so it counts towards crowding, but
  /// it gets no issue and is not in the summary, and its product need not be in the subject.
  bool reported = true;
};

/// A product the placements name, deleted or not, with its advertiser's standing.
struct ProductStanding {
  Uuid id;
  bool deleted = false;
  AdvertiserStatus advertiser_status = AdvertiserStatus::kActive;
};

/// One live campaign that includes a product (one row per campaign and product).
struct ProductCampaign {
  Uuid product_id;
  Uuid campaign_id;
  CampaignStatus status = CampaignStatus::kDraft;
  Date start_date;
  Date end_date;
};

/// Everything the rules read about one video.
struct ValidationSubject {
  std::int64_t video_duration_ms = 0;
  std::vector<PlacementToValidate> placements;
  std::vector<ProductStanding> products;   ///< any order; a product absent here is missing
  std::vector<ProductCampaign> campaigns;  ///< any order
};

struct ValidationLimits {
  /// More placements than this on screen at the same instant is an error.
  int max_simultaneous = 3;
};

/// Applies every rule to the subject's placements, as of `today` (campaign dates):
///   errors   product_overlap, too_many_simultaneous, outside_video_duration, product_missing,
///            product_deleted, no_active_campaign, advertiser_suspended
///   warnings campaign_expired, campaign_paused (for each campaign including the product;
///            only no_active_campaign makes them an error), draft_placement
/// A missing or deleted product is not checked further. Only reported placements get issues
/// and count in the summary; a crowding issue names no other placement. Issues are ordered by the
/// placement's start, end and id, then by issue type and time range, so equal inputs give equal
/// reports. O(n log n) in placements (plus products and campaigns).
ValidationReport Validate(const ValidationSubject& subject, Date today,
                          const ValidationLimits& limits);

}  // namespace nedlia::domain
