#include "app/api_keys.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "app/errors.hpp"
#include "domain/text_fields.hpp"

namespace nedlia::app {
namespace {

constexpr std::string_view kSecretPrefix = "nedlia_";
constexpr std::size_t kSecretBytes = 32;
// 256 bits in base64url without padding: ceil(256 / 6) characters.
constexpr std::size_t kSecretCharacters = (kSecretBytes * 8 + 5) / 6;
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Url(const unsigned char* bytes, std::size_t size) {
  std::string text;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += kBase64UrlAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0)
    text += kBase64UrlAlphabet[(buffer << (6 - bits)) & 0x3F];
  return text;
}

std::string NewSecret() {
  std::array<unsigned char, kSecretBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("the system's random generator failed");
  }
  return std::string(kSecretPrefix) + Base64Url(bytes.data(), bytes.size());
}

}  // namespace

bool LooksLikeApiKey(std::string_view token) {
  if (!token.starts_with(kSecretPrefix))
    return false;
  const std::string_view body = token.substr(kSecretPrefix.size());
  return body.size() == kSecretCharacters &&
         body.find_first_not_of(kBase64UrlAlphabet) == std::string_view::npos;
}

std::string HashSecret(std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // Fetched once: EVP_sha256() makes OpenSSL 3 look the algorithm up again on every call, which
  // was half of the cost of hashing a key on every request.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (EVP_Digest(secret.data(), secret.size(), digest.data(), &length, kSha256, nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

IssuedKey CreateApiKey(Transaction& tx, Role role, std::optional<domain::Uuid> advertiser_id,
                       std::string name) {
  domain::FieldErrors errors = domain::ValidateText(name, 255, "/name");
  if (role == Role::kAdvertiser && !advertiser_id) {
    errors.push_back({"/advertiser_id", "an advertiser key needs its advertiser"});
  } else if (role == Role::kAdmin && advertiser_id) {
    errors.push_back({"/advertiser_id", "an admin key is not bound to an advertiser"});
  } else if (advertiser_id && !tx.ApiKeys().AdvertiserExists(*advertiser_id)) {
    errors.push_back({"/advertiser_id", "no such advertiser"});
  }
  ThrowIfInvalid(std::move(errors));
  IssuedKey issued{.record = {.id = domain::Uuid::NewV7(),
                              .name = std::move(name),
                              .role = role,
                              .advertiser_id = advertiser_id},
                   .secret = NewSecret()};
  issued.record = tx.ApiKeys().Insert(issued.record, HashSecret(issued.secret));
  return issued;
}

std::optional<IssuedKey> CreateFirstAdminKey(Transaction& tx) {
  if (tx.ApiKeys().AnyIssuedLocking())
    return std::nullopt;
  return CreateApiKey(tx, Role::kAdmin, std::nullopt, "first admin key");
}

std::vector<ApiKeyRecord> ListApiKeys(Transaction& tx) {
  return tx.ApiKeys().List();
}

void RevokeApiKey(Transaction& tx, const domain::Uuid& id) {
  if (!tx.ApiKeys().Revoke(id))
    throw NotFound("API key");
}

Principal PrincipalOf(const ApiKeyRecord& key) {
  return Principal{
      .id = key.id, .role = key.role, .advertiser_id = key.advertiser_id, .name = key.name};
}

std::string_view ToString(Role role) {
  return role == Role::kAdmin ? "admin" : "advertiser";
}

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "admin")
    return Role::kAdmin;
  if (text == "advertiser")
    return Role::kAdvertiser;
  return std::nullopt;
}

}  // namespace nedlia::app
