// event_log is partitioned by month; rows land in their month's partition, rows for a month
// without one land in the default partition, and the maintenance function moves them out.
#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class EventLogTest : public ::testing::Test {
 protected:
  std::string PartitionOf(const std::string& created_at) {
    return connection_
        .Execute(
            "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, created_at) "
            "VALUES ('com.nedlia.test.v1', 'test', gen_random_uuid(), '{}', $1::timestamptz) "
            "RETURNING tableoid::regclass::text",
            pg::Params(created_at))
        .Single()[0]
        .As<std::string>();
  }

  TestDatabase database_;
  pg::Connection connection_ = database_.Connect();
};

TEST_F(EventLogTest, RowLandsInItsMonthsPartition) {
  const std::string month =
      connection_.Execute("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')")
          .Single()[0]
          .As<std::string>();
  EXPECT_EQ(PartitionOf("now"), "event_log_" + month);
}

TEST_F(EventLogTest, PartitionsExistForTheCurrentMonthAndThreeAhead) {
  const auto count = connection_.Execute(R"sql(
      SELECT count(*) FROM generate_series(0, 3) AS ahead
      WHERE to_regclass('event_log_' || to_char((now() AT TIME ZONE 'UTC')
                                                + make_interval(months => ahead), 'YYYY_MM'))
            IS NOT NULL)sql");
  EXPECT_EQ(count.Single()[0].As<std::int64_t>(), 4);
}

TEST_F(EventLogTest, MonthBoundaryIsMidnightUtc) {
  const std::string month =
      connection_.Execute("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY_MM')")
          .Single()[0]
          .As<std::string>();
  const std::string first_instant =
      connection_
          .Execute(
              "SELECT to_char(date_trunc('month', now() AT TIME ZONE 'UTC'), "
              "'YYYY-MM-DD HH24:MI:SS') || '+00'")
          .Single()[0]
          .As<std::string>();
  EXPECT_EQ(PartitionOf(first_instant), "event_log_" + month);
}

TEST_F(EventLogTest, OldRowGoesToTheDefaultPartitionAndMaintenanceMovesIt) {
  EXPECT_EQ(PartitionOf("2020-01-15 12:00:00+00"), "event_log_default");
  connection_.Execute("SELECT nedlia_ensure_event_log_partitions_for('2020-01-01', 1)");
  const auto moved = connection_.Execute(
      "SELECT tableoid::regclass::text FROM event_log WHERE created_at < '2021-01-01'");
  ASSERT_EQ(moved.RowCount(), 1);
  EXPECT_EQ(moved[0][0].As<std::string>(), "event_log_2020_01");
  EXPECT_EQ(
      connection_.Execute("SELECT count(*) FROM event_log_default").Single()[0].As<std::int64_t>(),
      0);
}

TEST_F(EventLogTest, MaintenanceIsIdempotent) {
  EXPECT_EQ(
      connection_.Execute("SELECT nedlia_ensure_event_log_partitions(3)").Single()[0].As<int>(), 0);
  EXPECT_GT(
      connection_.Execute("SELECT nedlia_ensure_event_log_partitions(6)").Single()[0].As<int>(), 0);
  EXPECT_EQ(
      connection_.Execute("SELECT nedlia_ensure_event_log_partitions(6)").Single()[0].As<int>(), 0);
}

TEST_F(EventLogTest, PositionsIncreaseAndTransactionIdsAreRecorded) {
  connection_.ExecuteScript(
      "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) VALUES "
      "('a', 'test', gen_random_uuid(), '{}'), ('b', 'test', gen_random_uuid(), '{}')");
  const auto rows =
      connection_.Execute("SELECT position, transaction_id::text FROM event_log ORDER BY position");
  ASSERT_EQ(rows.RowCount(), 2);
  EXPECT_LT(rows[0][0].As<std::int64_t>(), rows[1][0].As<std::int64_t>());
  EXPECT_EQ(rows[0][1].As<std::string>(), rows[1][1].As<std::string>());
}

}  // namespace
}  // namespace nedlia::testing
