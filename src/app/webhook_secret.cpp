#include "app/webhook_secret.hpp"

#include "crypto/random.hpp"
#include "encoding/base64.hpp"

namespace nedlia::app {

std::string NewWebhookSecret() {
  // Standard Webhooks: the prefix, then 32 random bytes in padded base64.
  return "whsec_" + encoding::Base64(crypto::RandomBytes(32));
}

}  // namespace nedlia::app
