#pragma once

#include "app/ports/api_key_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// ApiKeyStore over the api_keys table, inside the connection's transaction.
class ApiKeyRows : public app::ApiKeyStore {
 public:
  explicit ApiKeyRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<app::ApiKeyRecord> FindActive(const std::string& secret_hash) override;
  std::vector<app::ActiveKey> FindActiveAmong(
      const std::vector<std::string>& secret_hashes) override;
  std::vector<app::ActiveKey> ListActive(std::size_t limit) override;
  app::ApiKeyRecord Insert(const app::ApiKeyRecord& key, const std::string& secret_hash) override;
  std::vector<app::ApiKeyRecord> List() override;
  bool Revoke(const domain::Uuid& id) override;
  bool AnyIssuedLocking() override;
  bool AdvertiserExists(const domain::Uuid& advertiser_id) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
