#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// /v1/products: create (POST, idempotent), get, list (filters advertiser_id, category; cursor
/// pages), update (PATCH with If-Match) and soft delete (DELETE with If-Match, refused while
/// active placements show the product). An advertiser key works on its own products only.
void AddProductRoutes(http::Router& router, Authenticator& authenticator, app::Database& database);

}  // namespace nedlia::api
