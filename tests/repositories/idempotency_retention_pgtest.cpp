// Idempotency keys live 24 hours, as the API promises: a key older than that is never
// replayed (purged or not), and the purge deletes exactly those keys, in batches.
#include <gtest/gtest.h>

#include "repositories/idempotency_rows.hpp"
#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

/// A stored key `hours` old (the request it guards does not matter to the purge).
void KeyAged(pg::Connection& sql, const std::string& key, double hours) {
  sql.Execute(
      "INSERT INTO idempotency_keys (principal_id, key, request_hash, status, body, created_at) "
      "VALUES ('00000000-0000-4000-8000-000000000001', $1, repeat('0', 64), 201, '{}', "
      "now() - make_interval(secs => $2::float8 * 3600))",
      pg::Params(key, hours));
}

std::string Keys(const ApiFixture& api) {
  return api.QueryText(
      "SELECT coalesce(string_agg(key, ',' ORDER BY key), '') FROM "
      "idempotency_keys");
}

TEST(IdempotencyRetentionTest, KeysOlderThan24HoursArePurgedInBatchesAndYoungerOnesStay) {
  ApiFixture api;
  pg::Connection sql = api.Sql();
  KeyAged(sql, "a-fresh", 0.1);
  KeyAged(sql, "b-almost", 23.9);
  KeyAged(sql, "c-just-past", 24.1);
  KeyAged(sql, "d-two-days", 48);
  KeyAged(sql, "e-a-month", 24 * 30);
  KeyAged(sql, "f-a-year", 24 * 365);
  EXPECT_EQ(repositories::CountExpiredIdempotencyKeys(sql), 4);

  EXPECT_EQ(repositories::PurgeExpiredIdempotencyKeys(sql, /*batch=*/3), 4);  // two batches
  EXPECT_EQ(Keys(api), "a-fresh,b-almost");
  EXPECT_EQ(repositories::PurgeExpiredIdempotencyKeys(sql), 0);
}

TEST(IdempotencyRetentionTest, AnExpiredKeyIsAFreshRequestEvenBeforeThePurge) {
  ApiFixture api;
  const std::vector<std::string> key = {"Idempotency-Key: reused-after-a-day"};
  const auto first = api.Call("POST", "/v1/advertisers",
                              json{{"name", "Acme"}, {"contact_email", "a@acme.example"}}, key);
  ASSERT_EQ(first.status, 201) << first.raw;
  api.Sql().Execute("UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 min'");

  // Another payload under the old key is not a misuse (422) any more: a new request.
  const auto second = api.Call("POST", "/v1/advertisers",
                               json{{"name", "Bolt"}, {"contact_email", "b@bolt.example"}}, key);
  ASSERT_EQ(second.status, 201) << second.raw;
  EXPECT_FALSE(second.Header("Idempotent-Replayed").has_value());
  EXPECT_NE(second.Id(), first.Id());
  // The key now guards the second request, for a new 24 hours.
  const auto replay = api.Call("POST", "/v1/advertisers",
                               json{{"name", "Bolt"}, {"contact_email", "b@bolt.example"}}, key);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.Id(), second.Id());
  EXPECT_EQ(api.Count("SELECT count(*) FROM advertisers"), 2);
  EXPECT_EQ(api.Count("SELECT count(*) FROM idempotency_keys"), 1);
}

TEST(IdempotencyRetentionTest, TheSameBodyAfter24HoursRunsAgainInsteadOfReplaying) {
  ApiFixture api;
  const std::vector<std::string> key = {"Idempotency-Key: same-body-next-day"};
  const json body = {{"name", "Acme"}, {"contact_email", "a@acme.example"}};
  const auto first = api.Call("POST", "/v1/advertisers", body, key);
  ASSERT_EQ(first.status, 201) << first.raw;
  api.Sql().Execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours'");

  const auto again = api.Call("POST", "/v1/advertisers", body, key);
  ASSERT_EQ(again.status, 201) << again.raw;
  EXPECT_FALSE(again.Header("Idempotent-Replayed").has_value());
  EXPECT_NE(again.Id(), first.Id());
}

}  // namespace
}  // namespace nedlia::testing
