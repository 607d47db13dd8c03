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

std::string_view DeliveryErrorName(DeliveryError error) {
  switch (error) {
    case DeliveryError::kAddressRefused:
      return "address_refused";
    case DeliveryError::kDns:
      return "dns";
    case DeliveryError::kConnectionFailed:
      return "connection_failed";
    case DeliveryError::kTimeout:
      return "timeout";
    case DeliveryError::kTls:
      return "tls";
    case DeliveryError::kHttpStatus:
      return "http_status";
    case DeliveryError::kInternal:
      return "internal";
  }
  return "internal";
}

std::optional<DeliveryError> ParseDeliveryError(std::string_view text) {
  for (const auto error :
       {DeliveryError::kAddressRefused, DeliveryError::kDns, DeliveryError::kConnectionFailed,
        DeliveryError::kTimeout, DeliveryError::kTls, DeliveryError::kHttpStatus,
        DeliveryError::kInternal}) {
    if (DeliveryErrorName(error) == text)
      return error;
  }
  return std::nullopt;
}

}  // namespace nedlia::domain
