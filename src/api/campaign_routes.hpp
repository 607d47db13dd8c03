#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// /v1/campaigns: create (POST, idempotent), get, list (filters advertiser_id, status; cursor
/// pages), update (PATCH with If-Match; status moves draft → active ⇄ paused → completed) and
/// soft delete (DELETE with If-Match); POST /v1/campaigns/{id}/spend (atomic, idempotent); and
/// the products a campaign promotes: GET /v1/campaigns/{id}/products, PUT and DELETE
/// /v1/campaigns/{id}/products/{product_id}.
void AddCampaignRoutes(http::Router& router, Authenticator& authenticator, app::Database& database);

}  // namespace nedlia::api
