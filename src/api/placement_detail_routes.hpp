#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// The read model: GET /v1/placement-details, filtered by video_id, product_id, advertiser_id,
/// category, status and a time window (rows overlapping [overlaps_from, overlaps_to), in
/// seconds), in cursor pages; an advertiser key sees its own advertiser's rows only.
void AddPlacementDetailRoutes(http::Router& router, Authenticator& authenticator,
                              app::Database& database);

}  // namespace nedlia::api
