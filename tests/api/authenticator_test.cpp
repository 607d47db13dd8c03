// Authentication against a database that cannot answer: a token that is not shaped like our
// keys is refused before the database is asked, so it costs nothing even then.
#include <gtest/gtest.h>

#include "api/request_context.hpp"
#include "app/api_keys.hpp"
#include "app/errors.hpp"
#include "pg/pool.hpp"
#include "repositories/pg_database.hpp"

namespace nedlia::api {
namespace {

/// The kind of app::Error that authenticating `authorization` throws.
std::optional<app::ErrorKind> Refusal(Authenticator& authenticator,
                                      const std::string& authorization) {
  http::Request request;
  request.headers.push_back({"Authorization", authorization});
  try {
    authenticator.Authenticate(request);
  } catch (const app::Error& error) {
    return error.Kind();
  }
  return std::nullopt;
}

TEST(AuthenticatorTest, ATokenNotShapedLikeAKeyIsRefusedWithoutAskingTheDatabase) {
  // Nothing listens on port 1: any lookup fails as "unavailable".
  pg::Pool pool({.url = "postgresql://127.0.0.1:1/none?connect_timeout=1", .max_size = 1});
  repositories::PgDatabase database(pool, {.environment = "test", .platform_version = "test"});
  metrics::Registry registry;
  app::ApiKeyCache keys(database, {}, registry);
  Authenticator authenticator(keys, registry);
  const std::string body(43, 'A');
  for (const std::string& token :
       {std::string("nope"), "nedlia_" + body.substr(1), "nedlia_" + body + "A",
        "nedlia_" + body.substr(1) + "+", "NEDLIA_" + body, "nedlia-" + body}) {
    EXPECT_EQ(Refusal(authenticator, "Bearer " + token), app::ErrorKind::kUnauthenticated) << token;
  }
  EXPECT_EQ(registry.GetCounter("nedlia_api_key_lookups_total", "").Value(), 0U);
  EXPECT_EQ(registry.GetCounter("nedlia_api_key_malformed_total", "").Value(), 6U);
  // A well-shaped one is looked up: here that fails, which proves the others were not.
  EXPECT_EQ(Refusal(authenticator, "Bearer nedlia_" + body), app::ErrorKind::kUnavailable);
  EXPECT_EQ(registry.GetCounter("nedlia_api_key_lookups_total", "").Value(), 1U);
}

TEST(AuthenticatorTest, KeysAreShapedAsTheyAreIssued) {
  EXPECT_TRUE(app::LooksLikeApiKey("nedlia_" + std::string(43, '-')));
  EXPECT_TRUE(app::LooksLikeApiKey("nedlia_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-_"));
  EXPECT_FALSE(app::LooksLikeApiKey("nedlia_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO-="));
  EXPECT_FALSE(app::LooksLikeApiKey(""));
}

}  // namespace
}  // namespace nedlia::api
