// One retention pass over every bounded table and the superseded placement files: what is past
// its time goes, what is not (or must never go) stays, a dry run only counts, and one failing
// purge does not stop the others.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "object_stores/filesystem_object_store.hpp"
#include "object_stores/s3_object_store.hpp"
#include "retention/purges.hpp"
#include "support/retention_data.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class PurgesTest : public ::testing::Test {
 protected:
  ~PurgesTest() override { std::filesystem::remove_all(root_); }

  /// "count what" for each purge, one per line.
  static std::string Counts(const std::vector<retention::PurgeOutcome>& outcomes) {
    std::string text;
    for (const retention::PurgeOutcome& outcome : outcomes)
      text += std::to_string(outcome.count) + " " + outcome.what + "\n";
    return text;
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  std::filesystem::path root_ =
      std::filesystem::temp_directory_path() /
      ("nedlia-purges-" + std::to_string(getpid()) + "-" + database_.Name());
  object_stores::FilesystemObjectStore files_{root_};
};

constexpr const char* kOneOfEach =
    "1 API log rows older than 30 days\n"
    "1 idempotency keys older than 24 h\n"
    "1 webhook deliveries finished more than 30 days ago\n"
    "1 webhooks deleted more than 30 days ago, with no delivery left\n"
    "1 dead letters whose event has left the event log\n"
    "1 personal data of advertisers deleted more than 30 days ago\n"
    "1 processed-event marks older than 730 days\n"
    "1 placement files superseded more than 24 h ago\n";

TEST_F(PurgesTest, OneRunDeletesWhatIsPastEveryRetentionAndKeepsTheRest) {
  SeedPurgeData(sql_, files_);
  // The deleted webhook's delivery goes first, then the webhook, in the same run.
  const auto outcomes = retention::RunPurges(sql_, files_, {});
  EXPECT_EQ(Counts(outcomes), kOneOfEach);
  for (const retention::PurgeOutcome& outcome : outcomes)
    EXPECT_EQ(outcome.error, "") << outcome.what;

  EXPECT_EQ(
      PurgeableTableCounts(sql_),
      "api_logs:1 idempotency_keys:1 webhooks:1 webhook_deliveries:2 "
      "event_dead_letters:1 processed_events:1 placement_file_objects:2 erased_advertisers:1");
  EXPECT_EQ(sql_.Execute("SELECT status FROM webhook_deliveries WHERE updated_at < now() - "
                         "interval '300 days'")
                .Single()[0]
                .As<std::string>(),
            "pending");
  EXPECT_EQ(sql_.Execute("SELECT consumer FROM event_dead_letters").Single()[0].As<std::string>(),
            "validator");
  EXPECT_EQ(files_.List("placements/").size(), 2u);
  EXPECT_EQ(Counts(retention::RunPurges(sql_, files_, {})).find("1 "), std::string::npos);
}

TEST_F(PurgesTest, ADryRunCountsWhatWouldGoAndChangesNothing) {
  SeedPurgeData(sql_, files_);
  const std::string before = PurgeableTableCounts(sql_);
  // Before the deliveries go, the deleted webhook still has one: it is counted next time.
  std::string expected = kOneOfEach;
  expected.replace(expected.find("1 webhooks"), 1, "0");
  EXPECT_EQ(Counts(retention::PlanPurges(sql_, {})), expected);
  EXPECT_EQ(PurgeableTableCounts(sql_), before);
  EXPECT_EQ(files_.List("placements/").size(), 3u);
}

TEST_F(PurgesTest, AnObjectStoreThatIsDownFailsOnlyThePlacementFilePurge) {
  SeedPurgeData(sql_, files_);
  object_stores::S3ObjectStore unreachable{
      {.endpoint = {.url = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort()),
                    .credentials = {.access_key_id = "x",
                                    .secret_access_key = "x",
                                    .region = "us-east-1",
                                    .service = "s3"},
                    .timeout = std::chrono::seconds(2)},
       .bucket = "nedlia",
       .public_base = ""}};

  const auto outcomes = retention::RunPurges(sql_, unreachable, {});
  ASSERT_EQ(outcomes.size(), 8u);
  for (std::size_t i = 0; i + 1 < outcomes.size(); ++i)
    EXPECT_EQ(outcomes[i].error, "") << outcomes[i].what;
  EXPECT_NE(outcomes.back().error, "");
  EXPECT_EQ(
      PurgeableTableCounts(sql_),
      "api_logs:1 idempotency_keys:1 webhooks:1 webhook_deliveries:2 "
      "event_dead_letters:1 processed_events:1 placement_file_objects:3 erased_advertisers:1");
}

}  // namespace
}  // namespace nedlia::testing
