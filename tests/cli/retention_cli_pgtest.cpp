// `nedlia retention run [--dry-run]` against a real PostgreSQL and a directory object store:
// the same purges as serve's upkeep, a dry run that changes nothing, settings checked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "object_stores/filesystem_object_store.hpp"
#include "support/retention_data.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class RetentionCliTest : public ::testing::Test {
 protected:
  ~RetentionCliTest() override { std::filesystem::remove_all(root_); }

  CommandResult Nedlia(const std::string& arguments, const std::string& environment = "") {
    return RunCommand(environment + " NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                      " NEDLIA_OBJECTS_DIR=" + ShellQuote(root_.string()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  std::filesystem::path root_ =
      std::filesystem::temp_directory_path() /
      ("nedlia-retention-cli-" + std::to_string(getpid()) + "-" + database_.Name());
  object_stores::FilesystemObjectStore files_{root_};
};

TEST_F(RetentionCliTest, ADryRunSaysWhatWouldGoAndARunDeletesIt) {
  SeedPurgeData(sql_, files_);
  const std::string before = PurgeableTableCounts(sql_);

  const CommandResult dry = Nedlia("retention run --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("would delete 1 idempotency keys older than 24 h\n"), std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("would delete 1 placement files superseded more than 24 h ago\n"),
            std::string::npos)
      << dry.output;
  EXPECT_EQ(PurgeableTableCounts(sql_), before);

  const CommandResult run = Nedlia("retention run");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("deleted 1 webhook deliveries finished more than 30 days ago\n"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(
      PurgeableTableCounts(sql_),
      "api_logs:1 idempotency_keys:1 webhooks:1 webhook_deliveries:2 "
      "event_dead_letters:1 processed_events:1 placement_file_objects:2 erased_advertisers:1");
  EXPECT_EQ(files_.List("placements/").size(), 2u);
}

TEST_F(RetentionCliTest, TheSettingsChooseTheLimits) {
  SeedPurgeData(sql_, files_);
  const CommandResult dry =
      Nedlia("retention run --dry-run",
             "NEDLIA_RETENTION_WEBHOOK_DELIVERIES_DAYS=10 "
             "NEDLIA_RETENTION_PLACEMENT_FILES_GRACE_HOURS=1 NEDLIA_RETENTION_API_LOG_DAYS=1");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("would delete 2 webhook deliveries finished more than 10 days ago\n"),
            std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("would delete 2 placement files superseded more than 1 h ago\n"),
            std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("would delete 2 API log rows older than 1 days\n"), std::string::npos)
      << dry.output;
}

TEST_F(RetentionCliTest, SettingsOutOfRangeAreRefusedWithTheirRange) {
  const CommandResult days = Nedlia("retention run", "NEDLIA_RETENTION_WEBHOOK_DELIVERIES_DAYS=0");
  EXPECT_EQ(days.exit_code, 1) << days.output;
  EXPECT_NE(days.output.find("NEDLIA_RETENTION_WEBHOOK_DELIVERIES_DAYS must be an integer from 1 "
                             "to 3650, not '0'"),
            std::string::npos)
      << days.output;
  const CommandResult hours =
      Nedlia("retention run", "NEDLIA_RETENTION_PLACEMENT_FILES_GRACE_HOURS=24h");
  EXPECT_EQ(hours.exit_code, 1) << hours.output;
  EXPECT_NE(hours.output.find("NEDLIA_RETENTION_PLACEMENT_FILES_GRACE_HOURS must be an integer "
                              "from 1 to 8760"),
            std::string::npos)
      << hours.output;
}

}  // namespace
}  // namespace nedlia::testing
