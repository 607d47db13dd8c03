#include "api/webhook_json.hpp"

#include <array>

#include "api/json_document.hpp"
#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/errors.hpp"
#include "domain/text_fields.hpp"
#include "domain/webhook_rules.hpp"

namespace nedlia::api {
namespace {

using Presence = ObjectReader::Presence;

constexpr std::size_t kMaxEventTypes = 100;
constexpr std::size_t kMaxEventType = 100;
constexpr std::array<std::string_view, 5> kServerOwned = {"advertiser_id", "secret", "disabled_at",
                                                          "consecutive_failures", "deliveries"};

/// Moves "event_types" out of `object` and reads it as an array of strings; each bad element
/// is recorded at its pointer. nullopt when absent (or invalid).
std::optional<std::vector<std::string>> TakeEventTypes(nlohmann::json& object, Presence presence,
                                                       domain::FieldErrors& errors) {
  const auto member = object.find("event_types");
  if (member == object.end()) {
    if (presence == Presence::kRequired)
      errors.push_back({"/event_types", "is required"});
    return std::nullopt;
  }
  const nlohmann::json value = std::move(*member);
  object.erase(member);
  if (!value.is_array() || value.size() > kMaxEventTypes) {
    errors.push_back({"/event_types", "must be an array of at most " +
                                          std::to_string(kMaxEventTypes) + " event types"});
    return std::nullopt;
  }
  std::vector<std::string> types;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string pointer = "/event_types/" + std::to_string(i);
    if (!value[i].is_string()) {
      errors.push_back({pointer, "must be a string"});
      continue;
    }
    const auto& text = value[i].get_ref<const std::string&>();
    // Refused here, before it could reach the database as malformed text.
    auto invalid = domain::ValidateText(text, kMaxEventType, pointer);
    errors.insert(errors.end(), invalid.begin(), invalid.end());
    types.push_back(text);
  }
  return types;
}

}  // namespace

nlohmann::json WebhookJson(const domain::Webhook& webhook) {
  nlohmann::json json = {
      {"id", webhook.id.ToString()},
      {"advertiser_id", webhook.advertiser_id.ToString()},
      {"url", webhook.url},
      {"event_types", webhook.event_types},
      {"status", std::string(domain::WebhookStatusName(webhook.status))},
      {"disabled_at", webhook.disabled_at ? nlohmann::json(Rfc3339(*webhook.disabled_at))
                                          : nlohmann::json(nullptr)},
      {"consecutive_failures", webhook.consecutive_failures}};
  AddAudit(json, webhook.audit);
  return json;
}

nlohmann::json CreatedWebhookJson(const app::CreatedWebhook& created) {
  nlohmann::json json = WebhookJson(created.webhook);
  json["secret"] = created.secret;
  return json;
}

nlohmann::json WebhookDeliveryJson(const domain::WebhookDelivery& delivery) {
  auto time = [](const std::optional<domain::TimestampMs>& ms) {
    return ms ? nlohmann::json(Rfc3339(*ms)) : nlohmann::json(nullptr);
  };
  return {{"id", delivery.id.ToString()},
          {"webhook_id", delivery.webhook_id.ToString()},
          {"event_id", delivery.event_id.ToString()},
          {"event_type", delivery.event_type},
          {"status", std::string(domain::DeliveryStatusName(delivery.status))},
          {"attempts", delivery.attempts},
          {"response_status", OrNull(delivery.response_status)},
          {"error", delivery.error ? nlohmann::json(domain::DeliveryErrorName(*delivery.error))
                                   : nlohmann::json(nullptr)},
          {"next_attempt_at", time(delivery.next_attempt_at)},
          {"last_attempt_at", time(delivery.last_attempt_at)},
          {"delivered_at", time(delivery.delivered_at)},
          {"created_at", Rfc3339(delivery.created_at)}};
}

app::NewWebhook ReadNewWebhook(std::string_view text, bool admin) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  auto types = TakeEventTypes(json, Presence::kRequired, errors);
  ObjectReader body(json, "", errors);
  app::NewWebhook input{
      .advertiser_id = body.Id("advertiser_id", admin ? Presence::kRequired : Presence::kOptional),
      .url = body.Text("url", domain::kMaxWebhookUrl, Presence::kRequired).value_or(""),
      .event_types = std::move(types).value_or(std::vector<std::string>{})};
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return input;
}

app::WebhookPatch ReadWebhookPatch(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  TakeReadOnly(json, kServerOwnedMembers, errors);
  TakeReadOnly(json, kServerOwned, errors);
  app::WebhookPatch patch;
  patch.event_types = TakeEventTypes(json, Presence::kOptional, errors);
  ObjectReader body(json, "", errors);
  if (body.Sets("url"))
    patch.url = body.Text("url", domain::kMaxWebhookUrl, Presence::kRequired);
  if (body.Sets("status")) {
    patch.status = body.Enumerated<domain::WebhookStatus>(
        "status", Presence::kRequired, domain::ParseWebhookStatus, "active, disabled");
  }
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return patch;
}

}  // namespace nedlia::api
