// The event feed's pages against a real PostgreSQL: in commit order, and costing what they
// return however much of the log lies after them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/feed_rows.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kType = "com.nedlia.test.happened.v1";

class FeedRowsTest : public ::testing::Test {
 protected:
  /// One transaction of `count` events.
  void AppendTransaction(int count) {
    sql_.Execute(R"sql(
        INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
        SELECT $1, 'test', gen_random_uuid(), jsonb_build_object('n', n), '{"source": "/tests"}'
        FROM generate_series(1, $2) AS n)sql",
                 pg::Params(kType, count));
  }

  std::vector<std::string> LogOrder() {
    std::vector<std::string> ids;
    for (const pg::Row& row :
         sql_.Execute("SELECT id FROM event_log ORDER BY transaction_id, position"))
      ids.push_back(row[0].As<std::string>());
    return ids;
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
};

TEST_F(FeedRowsTest, APageBehindABacklogOfLargeTransactionsVisitsOnlyWhatItReturns) {
  // The cursor: the event of a small transaction, with 200 transactions of 100 events after it
  // (a backfill, an import) and a young event_commits, whose statistics made the generic plan
  // sort every later transaction's events for each page.
  AppendTransaction(1);
  const pg::Row first =
      sql_.Execute("SELECT transaction_id::text, position FROM event_log").Single();
  const app::LogPosition cursor{.transaction_id = std::stoull(first[0].As<std::string>()),
                                .position = first[1].As<std::int64_t>()};
  for (int i = 0; i < 200; ++i)
    AppendTransaction(100);
  sql_.ExecuteScript("SELECT nedlia_sequence_final(); ANALYZE event_log, event_commits");

  // On a connection of its own (a backend's counts are reported a second after its
  // statements, and the numbering above read every event), with the plan a pooled connection
  // settles on after its first executions.
  pg::Connection reader = database_.Connect();
  reader.ExecuteScript("SET plan_cache_mode = force_generic_plan; BEGIN");
  const events::FeedPage page =
      events::FeedRows(reader).ReadPage({.after = cursor, .types = {kType}, .limit = 150});
  // The rows the page took from event_log's partitions, by index or bitmap (this backend's
  // counts, not yet reported).
  const std::int64_t fetched =
      reader
          .Execute(
              "SELECT coalesce(sum(idx_tup_fetch + seq_tup_read), 0)::int8 "
              "FROM pg_stat_xact_user_tables WHERE relname LIKE 'event_log%'")
          .Single()[0]
          .As<std::int64_t>();
  reader.ExecuteScript("ROLLBACK");

  const std::vector<std::string> log = LogOrder();
  ASSERT_EQ(page.events.size(), 150U);
  for (std::size_t i = 0; i < page.events.size(); ++i)
    EXPECT_EQ(page.events[i].id.ToString(), log[i + 1]);
  // Two transactions hold the page: reading them is 200 rows, where the sort read all 20,000.
  EXPECT_LE(fetched, 400);
}

}  // namespace
}  // namespace nedlia::testing
