#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/webhook_commands.hpp"

namespace nedlia::api {

/// A webhook as the API shows it: never its secret (see CreatedWebhookJson).
nlohmann::json WebhookJson(const domain::Webhook& webhook);
/// A webhook just created: WebhookJson plus "secret", shown this once.
nlohmann::json CreatedWebhookJson(const app::CreatedWebhook& created);
/// One line of a webhook's delivery log.
nlohmann::json WebhookDeliveryJson(const domain::WebhookDelivery& delivery);

/// The body of POST /v1/webhooks; throws app::Error kInvalidInput naming every bad field.
/// advertiser_id is required from admin keys (`admin`), optional for an advertiser key.
app::NewWebhook ReadNewWebhook(std::string_view body, bool admin);
/// The body of PATCH /v1/webhooks/{id}.
app::WebhookPatch ReadWebhookPatch(std::string_view body);

}  // namespace nedlia::api
