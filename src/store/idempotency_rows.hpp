#pragma once

#include "app/ports/idempotency_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::store {

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

}  // namespace nedlia::store
