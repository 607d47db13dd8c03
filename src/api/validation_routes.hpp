#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// Validation runs: request one for a video (POST /v1/videos/{id}/validations, idempotent,
/// 202 with the pending run), get and list them (/v1/validation-runs, filters video_id and
/// status, cursor pages; an advertiser key sees the runs its advertiser's keys requested), and
/// soft-delete one (admin keys only; runs carry no version, so no If-Match).
void AddValidationRoutes(http::Router& router, Authenticator& authenticator,
                         app::Database& database);

}  // namespace nedlia::api
