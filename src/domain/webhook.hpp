#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/entities.hpp"

namespace nedlia::domain {

enum class WebhookStatus { kActive, kDisabled };

/// An advertiser's endpoint for the events of the types it chose (Standard Webhooks). Its
/// secret is not part of it: it is shown once, at creation, and read only by the notifier.
struct Webhook {
  Uuid id;
  Uuid advertiser_id;
  std::string url;
  std::vector<std::string> event_types;  ///< versioned, e.g. "com.nedlia.placement.created.v1"
  WebhookStatus status = WebhookStatus::kActive;
  std::optional<TimestampMs> disabled_at;
  std::int32_t consecutive_failures = 0;  ///< failed attempts since the last success
  Audit audit;
};

enum class WebhookDeliveryStatus { kPending, kSucceeded, kFailed, kAbandoned };

/// One event sent (or to be sent) to one webhook: a line of its delivery log. Its id is the
/// webhook-id header of every attempt.
struct WebhookDelivery {
  Uuid id;
  Uuid webhook_id;
  Uuid event_id;
  std::string event_type;
  WebhookDeliveryStatus status = WebhookDeliveryStatus::kPending;
  std::int32_t attempts = 0;
  std::optional<std::int32_t> response_status;
  std::optional<std::string> error;
  std::optional<TimestampMs> next_attempt_at;  ///< while pending
  std::optional<TimestampMs> last_attempt_at;
  std::optional<TimestampMs> delivered_at;
  TimestampMs created_at = 0;
};

std::string_view WebhookStatusName(WebhookStatus status);
std::optional<WebhookStatus> ParseWebhookStatus(std::string_view text);
std::string_view DeliveryStatusName(WebhookDeliveryStatus status);
std::optional<WebhookDeliveryStatus> ParseDeliveryStatus(std::string_view text);

}  // namespace nedlia::domain
