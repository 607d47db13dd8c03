#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/egress_policy.hpp"
#include "domain/field_error.hpp"

namespace nedlia::domain {

/// The longest webhook URL accepted.
inline constexpr std::size_t kMaxWebhookUrl = 2048;

/// What the deployment accepts as a webhook URL.
struct WebhookUrlRules {
  /// Plain http to a loopback host (development only), so that a local receiver can be tried.
  bool allow_loopback_http = false;
  /// The non-public networks webhooks may reach.
  EgressPolicy egress;
};

/// A webhook URL: absolute https with a host, no credentials, no fragment, no whitespace.
/// Plain http is accepted only for a loopback host (127.0.0.1, ::1, localhost) and only when
/// `allow_loopback_http` (development), so that a local receiver can be tried out. Errors point
/// at /url.
FieldErrors ValidateWebhookUrl(std::string_view url, const WebhookUrlRules& rules);

/// The event types of a webhook: at least one, no duplicates, each one of `subscribable`.
/// Errors point at /event_types or /event_types/N.
FieldErrors ValidateWebhookEventTypes(const std::vector<std::string>& types,
                                      const std::vector<std::string>& subscribable);

}  // namespace nedlia::domain
