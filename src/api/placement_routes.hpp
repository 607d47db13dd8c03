#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// /v1/placements: create (POST, idempotent), get, list (filters video_id, product_id,
/// advertiser_id, status; cursor pages), update (PATCH with If-Match) and soft delete
/// (DELETE with If-Match).
void AddPlacementRoutes(http::Router& router, Authenticator& authenticator,
                        app::Database& database);

}  // namespace nedlia::api
