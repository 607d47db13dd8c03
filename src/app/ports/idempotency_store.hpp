#pragma once

#include <optional>
#include <string>

#include "domain/uuid.hpp"

namespace nedlia::app {

/// The first answer to a POST carrying an Idempotency-Key, replayed for retries of it.
struct StoredResponse {
  std::string request_hash;  ///< of method, path and body: the same key with another payload
  int status = 0;
  std::string body;
  std::string location;  ///< the Location header, when there was one
  std::string etag;      ///< the ETag header, when there was one
};

/// Idempotency keys, scoped to the principal that sent them, within the caller's transaction.
/// The key is recorded in the same transaction as the change it guards, so a crash can never
/// leave a change without its key or a key without its change.
class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  /// Takes the key for this transaction; false when another transaction holds it right now
  /// (a concurrent duplicate).
  virtual bool TryLock(const domain::Uuid& principal, const std::string& key) = 0;
  /// The stored answer for the key, if it was used in the last 24 hours.
  virtual std::optional<StoredResponse> Find(const domain::Uuid& principal,
                                             const std::string& key) = 0;
  virtual void Save(const domain::Uuid& principal, const std::string& key,
                    const StoredResponse& response) = 0;
  /// Forgets every stored answer that names `id` (an erased advertiser's, which may show its
  /// personal data): a retry of such a request then runs again.
  virtual void ForgetAnswersNaming(const domain::Uuid& id) = 0;
};

}  // namespace nedlia::app
