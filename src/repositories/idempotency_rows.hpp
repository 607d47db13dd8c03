#pragma once

#include <chrono>
#include <cstdint>

#include "app/ports/idempotency_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// How long a stored answer is replayed: the API's promise (README, OpenAPI), not a setting.
/// A retry after it is a fresh request, and the purge deletes exactly the keys past it.
inline constexpr std::chrono::hours kIdempotencyKeyLifetime{24};

/// IdempotencyStore over the idempotency_keys table, inside the connection's transaction.
class IdempotencyRows : public app::IdempotencyStore {
 public:
  explicit IdempotencyRows(pg::Connection& connection) : connection_(connection) {}

  bool TryLock(const domain::Uuid& principal, const std::string& key) override;
  std::optional<app::StoredResponse> Find(const domain::Uuid& principal,
                                          const std::string& key) override;
  void Save(const domain::Uuid& principal, const std::string& key,
            const app::StoredResponse& response) override;
  void ForgetAnswersNaming(const domain::Uuid& id) override;

 private:
  pg::Connection& connection_;
};

/// Deletes the keys older than kIdempotencyKeyLifetime, `batch` rows per statement (each its
/// own transaction, so no lock is held for long); returns how many.
std::int64_t PurgeExpiredIdempotencyKeys(pg::Connection& connection, int batch = 5000);
/// How many keys PurgeExpiredIdempotencyKeys would delete now.
std::int64_t CountExpiredIdempotencyKeys(pg::Connection& connection);

}  // namespace nedlia::repositories
