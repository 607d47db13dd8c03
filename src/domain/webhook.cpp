#include "domain/webhook.hpp"

namespace nedlia::domain {

std::string_view WebhookStatusName(WebhookStatus status) {
  return status == WebhookStatus::kActive ? "active" : "disabled";
}

std::optional<WebhookStatus> ParseWebhookStatus(std::string_view text) {
  if (text == "active")
    return WebhookStatus::kActive;
  if (text == "disabled")
    return WebhookStatus::kDisabled;
  return std::nullopt;
}

std::string_view DeliveryStatusName(WebhookDeliveryStatus status) {
  switch (status) {
    case WebhookDeliveryStatus::kPending:
      return "pending";
    case WebhookDeliveryStatus::kSucceeded:
      return "succeeded";
    case WebhookDeliveryStatus::kFailed:
      return "failed";
    case WebhookDeliveryStatus::kAbandoned:
      return "abandoned";
  }
  return "pending";
}

std::optional<WebhookDeliveryStatus> ParseDeliveryStatus(std::string_view text) {
  for (const auto status : {WebhookDeliveryStatus::kPending, WebhookDeliveryStatus::kSucceeded,
                            WebhookDeliveryStatus::kFailed, WebhookDeliveryStatus::kAbandoned}) {
    if (DeliveryStatusName(status) == text)
      return status;
  }
  return std::nullopt;
}

}  // namespace nedlia::domain
