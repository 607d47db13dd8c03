#pragma once

#include <cstdint>
#include <optional>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// A placement together with the advertiser that owns it (its product's), for tenancy.
struct OwnedPlacement {
  domain::Placement placement;
  domain::Uuid advertiser_id;
};

/// What a placement's rules need to know about the video and product it names; each is
/// nullopt when absent or soft-deleted.
struct PlacementTargets {
  struct VideoFacts {
    std::int64_t duration_ms = 0;
    domain::VideoStatus status = domain::VideoStatus::kProcessing;
  };
  struct ProductFacts {
    domain::Uuid advertiser_id;
    domain::AdvertiserStatus advertiser_status = domain::AdvertiserStatus::kActive;
  };
  std::optional<VideoFacts> video;
  std::optional<ProductFacts> product;
};

struct PlacementFilter {
  std::optional<domain::Uuid> video_id;
  std::optional<domain::Uuid> product_id;
  std::optional<domain::Uuid> advertiser_id;
  std::optional<domain::PlacementStatus> status;
};

/// Placements in the system of record, within the caller's transaction.
class PlacementStore {
 public:
  virtual ~PlacementStore() = default;

  /// The video and product facts, locking the product's advertiser row against a concurrent
  /// suspension until the transaction ends.
  virtual PlacementTargets Targets(const domain::Uuid& video_id,
                                   const domain::Uuid& product_id) = 0;
  /// A live placement, held as `lock` says (its product is never locked).
  virtual std::optional<OwnedPlacement> Find(const domain::Uuid& id, RowLock lock) = 0;
  virtual Page<OwnedPlacement> List(const PlacementFilter& filter, const PageRequest& page) = 0;
  /// Inserts and returns the stored row (with database defaults). Throws app::Error kConflict
  /// at /time_range when an active placement of the product overlaps in the video: here, or
  /// (the INSERT may travel with a later statement) at that statement or at commit.
  virtual domain::Placement Insert(const domain::Placement& placement) = 0;
  /// Writes every mutable field; returns the stored row (its new version). Same conflict.
  virtual domain::Placement Update(const domain::Placement& placement) = 0;
  /// Marks it deleted.
  virtual void SoftDelete(const domain::Uuid& id) = 0;
};

}  // namespace nedlia::app
