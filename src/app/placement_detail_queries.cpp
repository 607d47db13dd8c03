#include "app/placement_detail_queries.hpp"

#include "app/tenancy.hpp"

namespace nedlia::app {

Page<PlacementDetail> ListPlacementDetails(Transaction& tx, const Principal& caller,
                                           PlacementDetailFilter filter, const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.advertiser_id))
    return {};
  return tx.PlacementDetails().List(filter, page);
}

}  // namespace nedlia::app
