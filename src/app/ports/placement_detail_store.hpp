#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/page.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// A row of the placement_details read model: a live placement with the names of its video,
/// product and advertiser, as of the last event projected.
struct PlacementDetail {
  domain::Uuid id;
  domain::Uuid video_id;
  std::string video_title;
  domain::Uuid product_id;
  std::string product_name;
  std::optional<std::string> product_category;
  domain::Uuid advertiser_id;
  std::string advertiser_name;
  domain::TimeRange time_range;
  std::optional<std::string> description;
  domain::PlacementStatus status = domain::PlacementStatus::kActive;
  std::optional<std::string> file_url;
  domain::TimestampMs created_at = 0;
  domain::TimestampMs projected_at = 0;  ///< when the projector last wrote the row
};

struct PlacementDetailFilter {
  std::optional<domain::Uuid> video_id;
  std::optional<domain::Uuid> product_id;
  std::optional<domain::Uuid> advertiser_id;
  std::optional<std::string> category;
  std::optional<domain::PlacementStatus> status;
  /// Rows whose time range overlaps the window [from_ms, to_ms); either end may be open.
  std::optional<std::int64_t> overlaps_from_ms;
  std::optional<std::int64_t> overlaps_to_ms;
};

/// The read model, within the caller's transaction.
class PlacementDetailStore {
 public:
  virtual ~PlacementDetailStore() = default;
  virtual Page<PlacementDetail> List(const PlacementDetailFilter& filter,
                                     const PageRequest& page) = 0;
};

}  // namespace nedlia::app
