#pragma once

#include "api/request_context.hpp"
#include "app/ports/database.hpp"
#include "app/webhook_commands.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// /v1/webhooks: create (the secret shown once), list, read, update, delete, and each
/// webhook's delivery log. `policy` must outlive the router.
void AddWebhookRoutes(http::Router& router, Authenticator& authenticator, app::Database& database,
                      const app::WebhookPolicy& policy);

}  // namespace nedlia::api
