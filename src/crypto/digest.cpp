#include "crypto/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

#include "encoding/hex.hpp"

namespace nedlia::crypto {
namespace {

// Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up again on every call, which
// showed in the request path's profile.
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (kSha256 == nullptr)
    throw std::runtime_error("OpenSSL has no SHA-256");
  return kSha256;
}

std::string Bytes(const unsigned char* data, unsigned int size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

std::string Sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, Sha256Algorithm(), nullptr) !=
      1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return Bytes(digest.data(), length);
}

std::string Sha256Hex(std::string_view data) {
  return encoding::Hex(Sha256(data));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(Sha256Algorithm(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return Bytes(mac.data(), length);
}

}  // namespace nedlia::crypto
