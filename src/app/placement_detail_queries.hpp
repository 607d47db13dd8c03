#pragma once

#include "app/ports/database.hpp"
#include "app/principal.hpp"

namespace nedlia::app {

/// Rows of the placement_details read model the caller may see (an advertiser key: its own
/// advertiser's only), filtered, in id order. Eventually consistent: a change shows once the
/// projector handled its event.
Page<PlacementDetail> ListPlacementDetails(Transaction& tx, const Principal& caller,
                                           PlacementDetailFilter filter, const PageRequest& page);

}  // namespace nedlia::app
