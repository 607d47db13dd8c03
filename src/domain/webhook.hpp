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

/// Why an attempt failed, as the tenant sees it: a class, never the transport's own words or
/// an address, which would let a tenant map the networks the notifier can reach. The detail
/// goes to the operator's log.
enum class DeliveryError {
  kAddressRefused,    ///< every address of the host is in a network webhooks may not reach
  kDns,               ///< the host name did not resolve
  kConnectionFailed,  ///< no connection, or it broke before a complete answer
  kTimeout,           ///< no complete answer within the timeout
  kTls,               ///< the TLS handshake or the certificate check failed
  kHttpStatus,        ///< the receiver answered with a status other than 2xx (redirects too)
  kInternal,          ///< the notifier could not make the request (its side, not the receiver's)
};

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
  std::optional<DeliveryError> error;          ///< the last failed attempt's
  std::optional<TimestampMs> next_attempt_at;  ///< while pending
  std::optional<TimestampMs> last_attempt_at;
  std::optional<TimestampMs> delivered_at;
  TimestampMs created_at = 0;
};

std::string_view WebhookStatusName(WebhookStatus status);
std::optional<WebhookStatus> ParseWebhookStatus(std::string_view text);
std::string_view DeliveryStatusName(WebhookDeliveryStatus status);
std::optional<WebhookDeliveryStatus> ParseDeliveryStatus(std::string_view text);
/// "address_refused", "dns", "connection_failed", "timeout", "tls", "http_status", "internal".
std::string_view DeliveryErrorName(DeliveryError error);
std::optional<DeliveryError> ParseDeliveryError(std::string_view text);

}  // namespace nedlia::domain
