#include "notifier/signature.hpp"

#include <optional>
#include <string>
#include <utility>

#include "crypto/digest.hpp"
#include "encoding/base64.hpp"

namespace nedlia::notifier {
namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string KeyOf(std::string_view secret) {
  if (!secret.starts_with(kPrefix))
    throw InvalidSecret("a webhook secret starts with whsec_");
  std::optional<std::string> key = encoding::FromBase64(secret.substr(kPrefix.size()));
  if (!key)
    throw InvalidSecret("a webhook secret's key is padded base64");
  return std::move(*key);
}

}  // namespace

std::string SignatureOf(std::string_view secret, std::string_view id, std::int64_t timestamp,
                        std::string_view body) {
  const std::string key = KeyOf(secret);
  const std::string signed_content =
      std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
  return "v1," + encoding::Base64(crypto::HmacSha256(key, signed_content));
}

}  // namespace nedlia::notifier
