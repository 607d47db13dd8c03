// The API log against a real PostgreSQL: every answered request lands in api_logs with its
// method, path (no query), status, duration, principal and trace id; old rows are purged.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "pg/pool.hpp"
#include "repositories/pg_api_log.hpp"
#include "support/api_fixture.hpp"
#include "support/test_database.hpp"

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

app::ApiLogEntry Entry(int n) {
  return {.at_ms = 1'765'000'000'000 + n,
          .method = "GET",
          .path = "/v1/placements/" + std::to_string(n),
          .status = 200,
          .duration_us = 800};
}

std::int64_t RowsWithin(const ApiFixture& api, std::int64_t at_least,
                        std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::int64_t rows = 0;
  while ((rows = api.Count("SELECT count(*) FROM api_logs WHERE path LIKE '/v1/placements/%'")) <
             at_least &&
         std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return rows;
}

// Under load, one large INSERT per interval held a core for milliseconds and showed in the
// requests' tail latency: a batch goes as soon as enough entries wait.
TEST(ApiLogTest, ABatchIsWrittenAsSoonAsEnoughEntriesWaitWithoutWaitingForTheInterval) {
  ApiFixture api;
  pg::Pool pool({.url = api.Database().Url(), .max_size = 1});
  repositories::PgApiLog log(pool, std::chrono::hours(1), 100'000, 10);
  for (int n = 0; n < 9; ++n)
    log.Record(Entry(n));
  EXPECT_EQ(RowsWithin(api, 1, std::chrono::milliseconds(300)), 0)
      << "fewer entries than a batch wait for the interval";
  log.Record(Entry(9));
  EXPECT_EQ(RowsWithin(api, 10, std::chrono::seconds(10)), 10);
  for (int n = 10; n < 35; ++n)
    log.Record(Entry(n));
  // Whatever is left after a batch waits for the interval only when it is less than a batch.
  EXPECT_GE(RowsWithin(api, 26, std::chrono::seconds(10)), 26);
  ASSERT_TRUE(log.Flush());
  EXPECT_EQ(RowsWithin(api, 35, std::chrono::seconds(1)), 35);
}

// A full batch that the database refuses goes back to the queue, where it is a full batch again:
// the next try must still wait for the interval, not follow at once, again and again.
TEST(ApiLogTest, ABatchTheDatabaseRefusesIsTriedAgainOncePerInterval) {
  std::ostringstream output;
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(output));
  capture->set_level(spdlog::level::warn);
  spdlog::set_default_logger(capture);
  {
    pg::Pool nowhere({.url = "postgresql://nedlia@127.0.0.1:" + std::to_string(FreeLoopbackPort()) +
                             "/nedlia?connect_timeout=1",
                      .max_size = 1});
    std::optional<repositories::PgApiLog> log;
    log.emplace(nowhere, std::chrono::milliseconds(300), 100'000, 5);
    for (int n = 0; n < 20; ++n)
      log->Record(Entry(n));
    std::this_thread::sleep_for(std::chrono::seconds(1));
    log.reset();  // its last try is the destructor's
  }
  spdlog::set_default_logger(previous);
  const std::string text = output.str();
  int tries = 0;
  for (std::size_t at = text.find("could not write"); at != std::string::npos;
       at = text.find("could not write", at + 1)) {
    ++tries;
  }
  EXPECT_GE(tries, 2) << text;
  EXPECT_LE(tries, 6) << "tried again without waiting:\n" << text.substr(0, 2000);
}

}  // namespace
}  // namespace nedlia::testing
