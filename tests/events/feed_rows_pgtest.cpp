// The event feed's pages against a real PostgreSQL: in commit order, and costing what they
// return however much of the log lies after them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/feed_rows.hpp"
#include "support/event_log_rows.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kType = "com.nedlia.test.happened.v1";

class FeedRowsTest : public ::testing::Test {
 protected:
  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
};

TEST_F(FeedRowsTest, APageBehindABacklogOfLargeTransactionsVisitsOnlyWhatItReturns) {
  // The cursor: the event of a small transaction, with 200 transactions of 100 events after it
  // (a backfill, an import) and a young event_commits, whose statistics made the generic plan
  // sort every later transaction's events for each page.
  const app::LogPosition cursor = LargeTransactionsAfterOneEvent(sql_, kType);

  // On a connection of its own (the numbering above read every event), with the plan a
  // pooled connection settles on after its first executions.
  pg::Connection reader = database_.Connect();
  reader.ExecuteScript("SET plan_cache_mode = force_generic_plan; BEGIN");
  const events::FeedPage page =
      events::FeedRows(reader).ReadPage({.after = cursor, .types = {kType}, .limit = 150});
  const std::int64_t fetched = EventLogRowsReadNotYetReported(reader);
  reader.ExecuteScript("ROLLBACK");

  const std::vector<std::string> log = EventIdsInLogOrder(sql_);
  ASSERT_EQ(page.events.size(), 150U);
  for (std::size_t i = 0; i < page.events.size(); ++i)
    EXPECT_EQ(page.events[i].id.ToString(), log[i + 1]);
  // Two transactions hold the page: reading them is 200 rows, where the sort read all 20,000.
  EXPECT_LE(fetched, 400);
}

}  // namespace
}  // namespace nedlia::testing
