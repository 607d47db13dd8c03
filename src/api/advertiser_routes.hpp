#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// /v1/advertisers: create (POST, admin only, idempotent), get, list (filter status; cursor
/// pages; an advertiser key sees its own advertiser only), update (PATCH with If-Match; only
/// admins change the status) and soft delete (DELETE with If-Match, admin only, refused while
/// live products or campaigns remain).
void AddAdvertiserRoutes(http::Router& router, Authenticator& authenticator,
                         app::Database& database);

}  // namespace nedlia::api
