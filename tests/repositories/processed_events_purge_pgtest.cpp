// Consumers' processed_events marks go with the event log's retention, and no sooner.
#include <gtest/gtest.h>

#include "repositories/maintenance.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

TEST(ProcessedEventsPurgeTest, MarksOlderThanTheRetentionGoAndTheOthersStay) {
  TestDatabase database;
  pg::Connection sql = database.Connect();
  sql.Execute(
      "INSERT INTO processed_events (consumer, event_id, processed_at) "
      "SELECT 'validator', gen_random_uuid(), now() - make_interval(days => d) + interval '12 h' "
      "FROM generate_series(725, 735) d");
  EXPECT_EQ(repositories::PurgeProcessedEvents(sql, 730), 5);  // 730.5 to 734.5 days old
  EXPECT_EQ(sql.Execute("SELECT count(*) FROM processed_events").Single()[0].As<std::int64_t>(), 6);
  EXPECT_EQ(repositories::PurgeProcessedEvents(sql, 730), 0);
}

}  // namespace
}  // namespace nedlia::testing
