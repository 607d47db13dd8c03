#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// An API key as stored: never the secret, only its hash.
struct ApiKeyRecord {
  domain::Uuid id;
  std::string name;
  Role role = Role::kAdvertiser;
  std::optional<domain::Uuid> advertiser_id;
  domain::TimestampMs created_at = 0;
  std::optional<domain::TimestampMs> revoked_at;
};

/// An active key and the hash of its secret.
struct ActiveKey {
  std::string secret_hash;
  ApiKeyRecord record;
};

/// API keys in the system of record, within the caller's transaction.
class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;
  /// The unrevoked key whose secret hashes to `secret_hash`.
  virtual std::optional<ApiKeyRecord> FindActive(const std::string& secret_hash) = 0;
  /// The unrevoked keys among `secret_hashes`, in one query (the others are revoked, unknown,
  /// or belong to a deleted advertiser).
  virtual std::vector<ActiveKey> FindActiveAmong(const std::vector<std::string>& secret_hashes) = 0;
  /// Every active key, up to `limit` of them (the most recently created first).
  virtual std::vector<ActiveKey> ListActive(std::size_t limit) = 0;
  virtual ApiKeyRecord Insert(const ApiKeyRecord& key, const std::string& secret_hash) = 0;
  virtual std::vector<ApiKeyRecord> List() = 0;
  /// Marks it revoked; false when there is no such unrevoked key.
  virtual bool Revoke(const domain::Uuid& id) = 0;
  /// True once any key was ever issued; serialises concurrent callers until the transaction
  /// ends (so that two first starts cannot both issue the first admin key).
  virtual bool AnyIssuedLocking() = 0;
  /// True when a live advertiser has this id.
  virtual bool AdvertiserExists(const domain::Uuid& advertiser_id) = 0;
};

}  // namespace nedlia::app
