#pragma once

#include <string>

namespace nedlia::app {

/// A new webhook signing secret in the Standard Webhooks format: "whsec_" followed by the
/// standard base64 of 32 random bytes (the key HMAC-SHA256 signs with).
std::string NewWebhookSecret();

}  // namespace nedlia::app
