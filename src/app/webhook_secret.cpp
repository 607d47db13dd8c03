#include "app/webhook_secret.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace nedlia::app {

std::string NewWebhookSecret() {
  std::array<unsigned char, 32> key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
    throw std::runtime_error("the system's random generator failed");
  // 4 characters per 3 bytes, rounded up, plus the NUL EVP_EncodeBlock writes.
  std::array<unsigned char, (key.size() + 2) / 3 * 4 + 1> text{};
  const int length = EVP_EncodeBlock(text.data(), key.data(), static_cast<int>(key.size()));
  return "whsec_" +
         std::string(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(length));
}

}  // namespace nedlia::app
