#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// /v1/videos, the platform's catalog: get and list (filter status; cursor pages) for every
/// key; register (POST, idempotent), update (PATCH with If-Match) and soft delete (DELETE with
/// If-Match) for admin keys only (403 otherwise).
void AddVideoRoutes(http::Router& router, Authenticator& authenticator, app::Database& database);

}  // namespace nedlia::api
