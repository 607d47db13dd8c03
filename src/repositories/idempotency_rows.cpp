#include "repositories/idempotency_rows.hpp"

#include <string>

#include "pg/batches.hpp"

namespace nedlia::repositories {
namespace {

// Keys live kIdempotencyKeyLifetime: an older row is never replayed, whether or not the purge
// has deleted it yet, and a reuse of its key replaces it.
const pg::Statement kTryLock{
    "idempotency_try_lock",
    "SELECT pg_try_advisory_xact_lock(hashtextextended($1::text || ' ' || $2, 7))"};

const pg::Statement kFind{"idempotency_find", R"sql(
    SELECT request_hash, status, body, location, etag FROM idempotency_keys
    WHERE principal_id = $1 AND key = $2 AND created_at > now() - make_interval(hours => $3))sql"};

const pg::Statement kSave{"idempotency_save", R"sql(
    INSERT INTO idempotency_keys (principal_id, key, request_hash, status, body, location, etag)
    VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''))
    ON CONFLICT (principal_id, key) DO UPDATE
    SET request_hash = excluded.request_hash, status = excluded.status, body = excluded.body,
        location = excluded.location, etag = excluded.etag, created_at = now())sql"};

// A scan, but of one day of answers at most (retention), and only when erasing.
const pg::Statement kForgetNaming{"idempotency_forget_naming",
                                  "DELETE FROM idempotency_keys WHERE strpos(body, $1::text) > 0"};

// The condition is checked again on each row as it is when deleted: a key reused meanwhile
// has a new created_at and stays.
const std::string kExpired = "created_at <= now() - make_interval(hours => $1)";
const pg::BatchedPurge kExpiredKeys("idempotency_expired", "idempotency_keys", "principal_id, key",
                                    kExpired);

int LifetimeHours() {
  return static_cast<int>(kIdempotencyKeyLifetime.count());
}

}  // namespace

void IdempotencyRows::ForgetAnswersNaming(const domain::Uuid& id) {
  connection_.Execute(kForgetNaming, pg::Params(id.ToString()));
}

bool IdempotencyRows::TryLock(const domain::Uuid& principal, const std::string& key) {
  return connection_.Execute(kTryLock, pg::Params(principal, key)).Single()[0].As<bool>();
}

std::optional<app::StoredResponse> IdempotencyRows::Find(const domain::Uuid& principal,
                                                         const std::string& key) {
  const pg::Result result = connection_.Execute(kFind, pg::Params(principal, key, LifetimeHours()));
  if (result.Empty())
    return std::nullopt;
  const pg::Row row = result[0];
  return app::StoredResponse{.request_hash = row[0].As<std::string>(),
                             .status = row[1].As<std::int32_t>(),
                             .body = row[2].As<std::string>(),
                             .location = row[3].As<std::optional<std::string>>().value_or(""),
                             .etag = row[4].As<std::optional<std::string>>().value_or("")};
}

void IdempotencyRows::Save(const domain::Uuid& principal, const std::string& key,
                           const app::StoredResponse& response) {
  connection_.Execute(kSave, pg::Params(principal, key, response.request_hash, response.status,
                                        response.body, response.location, response.etag));
}

std::int64_t PurgeExpiredIdempotencyKeys(pg::Connection& connection, int batch) {
  return kExpiredKeys.Run(connection, LifetimeHours(), batch);
}

std::int64_t CountExpiredIdempotencyKeys(pg::Connection& connection) {
  return kExpiredKeys.Count(connection, LifetimeHours());
}

}  // namespace nedlia::repositories
