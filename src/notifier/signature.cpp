#include "notifier/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <vector>

namespace nedlia::notifier {
namespace {

constexpr std::string_view kPrefix = "whsec_";

std::string Base64(const unsigned char* bytes, std::size_t size) {
  std::string text((size + 2) / 3 * 4 + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes, static_cast<int>(size));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

std::vector<unsigned char> KeyOf(std::string_view secret) {
  if (!secret.starts_with(kPrefix))
    throw InvalidSecret("a webhook secret starts with whsec_");
  const std::string_view encoded = secret.substr(kPrefix.size());
  if (encoded.empty() || encoded.size() % 4 != 0)
    throw InvalidSecret("a webhook secret's key is padded base64");
  std::vector<unsigned char> key(encoded.size() / 4 * 3);
  const int length =
      EVP_DecodeBlock(key.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                      static_cast<int>(encoded.size()));
  if (length < 0)
    throw InvalidSecret("a webhook secret's key is not base64");
  // EVP_DecodeBlock counts the zero bytes that padding stands for.
  const auto padding = static_cast<std::size_t>(
      std::count(encoded.end() - std::min<std::size_t>(2, encoded.size()), encoded.end(), '='));
  key.resize(static_cast<std::size_t>(length) - padding);
  return key;
}

}  // namespace

std::string SignatureOf(std::string_view secret, std::string_view id, std::int64_t timestamp,
                        std::string_view body) {
  const std::vector<unsigned char> key = KeyOf(secret);
  const std::string signed_content =
      std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(),
           mac.data(), &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return "v1," + Base64(mac.data(), length);
}

}  // namespace nedlia::notifier
