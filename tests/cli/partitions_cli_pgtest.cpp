// `nedlia partitions maintain` against a real PostgreSQL: partitions made ahead as configured,
// rows stranded in the default partition moved into their own month, idempotent reruns.
#include <gtest/gtest.h>

#include <string>

#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class PartitionsCliTest : public ::testing::Test {
 protected:
  CommandResult Nedlia(const std::string& arguments, const std::string& environment = "") {
    return RunCommand(environment + " NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  std::int64_t Count(const std::string& sql) {
    return sql_.Execute(sql).Single()[0].As<std::int64_t>();
  }

  /// An event written at `at` (a backdated import, say).
  void EventAt(const std::string& at) {
    sql_.Execute(
        "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata, "
        "created_at) VALUES ('com.nedlia.video.deleted.v1', 'video', gen_random_uuid(), "
        "'{}', '{}', $1::timestamptz)",
        pg::Params(at));
  }

  TestDatabase database_{Template::kMigrated};
  pg::Connection sql_ = database_.Connect();
};

TEST_F(PartitionsCliTest, StrandedRowsMoveToTheirMonthAndPartitionsAreMadeAhead) {
  EventAt("2020-03-15 12:00:00+00");
  EventAt("2020-03-31 23:59:59+00");
  EventAt("2021-07-01 00:00:00+00");
  ASSERT_EQ(Count("SELECT count(*) FROM event_log_default"), 3);

  const CommandResult result = Nedlia("partitions maintain", "NEDLIA_EVENT_LOG_MONTHS_AHEAD=5");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("created event_log_2020_03\ncreated event_log_2021_07\n"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("3 row(s) moved out of the default partition"), std::string::npos)
      << result.output;
  EXPECT_EQ(Count("SELECT count(*) FROM event_log_default"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM event_log_2020_03"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM event_log_2021_07"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM event_log"), 3) << "nothing lost, nothing doubled";
  // The current month and five more, whatever today is.
  EXPECT_EQ(Count("SELECT count(*) FROM generate_series(0, 5) AS k WHERE to_regclass('event_log_' "
                  "|| to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval("
                  "months => k), 'YYYY_MM')) IS NOT NULL"),
            6);

  const CommandResult again = Nedlia("partitions maintain", "NEDLIA_EVENT_LOG_MONTHS_AHEAD=5");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find(", 0 created, 0 row(s) moved"), std::string::npos) << again.output;
}

TEST_F(PartitionsCliTest, FewerThanThreeMonthsAheadIsRefused) {
  const CommandResult result = Nedlia("partitions maintain", "NEDLIA_EVENT_LOG_MONTHS_AHEAD=2");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.output.find("NEDLIA_EVENT_LOG_MONTHS_AHEAD"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace nedlia::testing
