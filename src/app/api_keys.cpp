#include "app/api_keys.hpp"

#include "app/errors.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "domain/text_fields.hpp"
#include "encoding/base64.hpp"

namespace nedlia::app {
namespace {

constexpr std::string_view kSecretPrefix = "nedlia_";
constexpr std::size_t kSecretBytes = 32;
// 256 bits in base64url without padding: ceil(256 / 6) characters.
constexpr std::size_t kSecretCharacters = (kSecretBytes * 8 + 5) / 6;
std::string NewSecret() {
  return std::string(kSecretPrefix) + encoding::Base64Url(crypto::RandomBytes(kSecretBytes));
}

}  // namespace

bool LooksLikeApiKey(std::string_view token) {
  if (!token.starts_with(kSecretPrefix))
    return false;
  const std::string_view body = token.substr(kSecretPrefix.size());
  return body.size() == kSecretCharacters &&
         body.find_first_not_of(encoding::kBase64UrlAlphabet) == std::string_view::npos;
}

std::string HashSecret(std::string_view secret) {
  return crypto::Sha256Hex(secret);
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
