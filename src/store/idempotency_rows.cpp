#include "store/idempotency_rows.hpp"

namespace nedlia::store {
namespace {

// Keys live 24 hours; older rows are ignored here and replaced on reuse (retention purges
// them).
const pg::Statement kTryLock{
    "idempotency_try_lock",
    "SELECT pg_try_advisory_xact_lock(hashtextextended($1::text || ' ' || $2, 7))"};

const pg::Statement kFind{"idempotency_find", R"sql(
    SELECT request_hash, status, body, location FROM idempotency_keys
    WHERE principal_id = $1 AND key = $2 AND created_at > now() - interval '24 hours')sql"};

const pg::Statement kSave{"idempotency_save", R"sql(
    INSERT INTO idempotency_keys (principal_id, key, request_hash, status, body, location)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (principal_id, key) DO UPDATE
    SET request_hash = excluded.request_hash, status = excluded.status, body = excluded.body,
        location = excluded.location, created_at = now())sql"};

// A scan, but of one day of answers at most (retention), and only when erasing.
const pg::Statement kForgetNaming{"idempotency_forget_naming",
                                  "DELETE FROM idempotency_keys WHERE strpos(body, $1::text) > 0"};

}  // namespace

void IdempotencyRows::ForgetAnswersNaming(const domain::Uuid& id) {
  connection_.Execute(kForgetNaming, pg::Params(id.ToString()));
}

bool IdempotencyRows::TryLock(const domain::Uuid& principal, const std::string& key) {
  return connection_.Execute(kTryLock, pg::Params(principal, key)).Single()[0].As<bool>();
}

std::optional<app::StoredResponse> IdempotencyRows::Find(const domain::Uuid& principal,
                                                         const std::string& key) {
  const pg::Result result = connection_.Execute(kFind, pg::Params(principal, key));
  if (result.Empty())
    return std::nullopt;
  const pg::Row row = result[0];
  return app::StoredResponse{.request_hash = row[0].As<std::string>(),
                             .status = row[1].As<std::int32_t>(),
                             .body = row[2].As<std::string>(),
                             .location = row[3].As<std::optional<std::string>>().value_or("")};
}

void IdempotencyRows::Save(const domain::Uuid& principal, const std::string& key,
                           const app::StoredResponse& response) {
  std::optional<std::string> location;
  if (!response.location.empty())
    location = response.location;
  connection_.Execute(kSave, pg::Params(principal, key, response.request_hash, response.status,
                                        response.body, location));
}

}  // namespace nedlia::store
