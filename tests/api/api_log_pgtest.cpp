// The API log against a real PostgreSQL: every answered request lands in api_logs with its
// method, path (no query), status, duration, principal and trace id; old rows are purged.
#include <gtest/gtest.h>

#include "repositories/pg_api_log.hpp"
#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

TEST(ApiLogTest, EachRequestIsRecordedWithWhoSentItAndItsTrace) {
  ApiFixture api;
  const ApiReply listed =
      api.Call("GET", "/v1/advertisers?limit=5", std::nullopt,
               {std::string("traceparent: 00-") + kTrace + "-00f067aa0ba902b7-01"});
  ASSERT_EQ(listed.status, 200) << listed.raw;
  const ApiReply refused = api.Call("GET", "/v1/advertisers", std::nullopt, {}, "not-a-key");
  ASSERT_EQ(refused.status, 401) << refused.raw;
  api.FlushApiLog();

  EXPECT_EQ(api.QueryText("SELECT concat_ws(' ', method, path, status, principal_id, trace_id, "
                          "duration_us >= 0, created_at > now() - interval '1 minute') "
                          "FROM api_logs WHERE status = 200"),
            "GET /v1/advertisers 200 " + api.AdminKeyId() + " " + kTrace + " t t");
  EXPECT_EQ(api.QueryText("SELECT concat_ws(' ', method, path, status, principal_id IS NULL) "
                          "FROM api_logs WHERE status = 401"),
            "GET /v1/advertisers 401 t");
}

TEST(ApiLogTest, ThePurgeDeletesOnlyRowsPastRetention) {
  ApiFixture api;
  pg::Connection sql = api.Sql();
  sql.Execute(
      "INSERT INTO api_logs (created_at, method, path, status, duration_us) "
      "SELECT now() - make_interval(days => d, hours => 12), 'GET', '/v1/videos', 200, 10 "
      "FROM generate_series(0, 40) AS d");
  EXPECT_EQ(repositories::PurgeApiLog(sql, 30), 11);  // 30.5 to 40.5 days old
  EXPECT_EQ(api.Count("SELECT count(*) FROM api_logs WHERE path = '/v1/videos'"), 30);
  EXPECT_EQ(api.Count("SELECT count(*) FROM api_logs WHERE created_at < now() - interval "
                      "'30 days'"),
            0);
}

}  // namespace
}  // namespace nedlia::testing
