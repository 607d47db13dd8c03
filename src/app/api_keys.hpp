#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/api_key_store.hpp"
#include "app/ports/database.hpp"

namespace nedlia::app {

/// A key just made: the secret is shown once and never stored.
struct IssuedKey {
  ApiKeyRecord record;
  std::string secret;  ///< "nedlia_" + 43 base64url characters (256 random bits)
};

/// True when `token` has the shape of the secrets CreateApiKey issues ("nedlia_" and 43
/// base64url characters). Anything else cannot be a key, so it is refused without a lookup.
bool LooksLikeApiKey(std::string_view token);

/// The stored form of a secret: hex SHA-256. A key carries 256 random bits, so a fast hash is
/// as strong as a slow one here; it keeps every request's authentication cheap.
std::string HashSecret(std::string_view secret);

/// Issues a key; an advertiser key must name a live advertiser (kInvalidInput otherwise).
IssuedKey CreateApiKey(Transaction& tx, Role role, std::optional<domain::Uuid> advertiser_id,
                       std::string name);
/// Issues an admin key when no key was ever issued; nullopt otherwise.
std::optional<IssuedKey> CreateFirstAdminKey(Transaction& tx);
std::vector<ApiKeyRecord> ListApiKeys(Transaction& tx);
/// Revokes a key; kNotFound when there is no such live key.
void RevokeApiKey(Transaction& tx, const domain::Uuid& id);

/// The principal an active key stands for.
Principal PrincipalOf(const ApiKeyRecord& key);

std::string_view ToString(Role role);
std::optional<Role> ParseRole(std::string_view text);

}  // namespace nedlia::app
