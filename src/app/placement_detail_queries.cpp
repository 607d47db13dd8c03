#include "app/placement_detail_queries.hpp"

namespace nedlia::app {

Page<PlacementDetail> ListPlacementDetails(Transaction& tx, const Principal& caller,
                                           PlacementDetailFilter filter, const PageRequest& page) {
  if (!caller.IsAdmin()) {
    // Another advertiser's filter finds nothing rather than its rows.
    if (filter.advertiser_id && filter.advertiser_id != caller.advertiser_id)
      return {};
    filter.advertiser_id = caller.advertiser_id;
  }
  return tx.PlacementDetails().List(filter, page);
}

}  // namespace nedlia::app
