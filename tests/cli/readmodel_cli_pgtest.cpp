// `nedlia readmodel verify|rebuild` end to end: the real binary against a real database.
#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class ReadModelCliTest : public ::testing::Test {
 protected:
  CommandResult Nedlia(const std::string& arguments) {
    return RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
};

TEST_F(ReadModelCliTest, VerifyListsAStrayRowAndFailsUntilRebuildRemovesIt) {
  const CommandResult clean = Nedlia("readmodel verify");
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_EQ(clean.output, "placement_details matches its definition\n");

  const std::string stray =
      sql_.Execute(
              "INSERT INTO placement_details (id, video_id, video_title, product_id, "
              "product_name, advertiser_name, start_time, end_time, status, created_at, "
              "advertiser_id) VALUES (gen_random_uuid(), gen_random_uuid(), 'v', "
              "gen_random_uuid(), 'p', 'a', 0, 1, 'active', now(), gen_random_uuid()) "
              "RETURNING id::text")
          .Single()[0]
          .As<std::string>();
  const CommandResult found = Nedlia("readmodel verify");
  EXPECT_EQ(found.exit_code, 1) << found.output;
  EXPECT_EQ(found.output,
            "extra\t" + stray + "\n1 difference(s); `nedlia readmodel rebuild` repairs them\n");

  const CommandResult rebuilt = Nedlia("readmodel rebuild");
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
  EXPECT_EQ(rebuilt.output, "placement_details rebuilt: 0 rows, 0 written, 1 removed\n");
  EXPECT_EQ(Nedlia("readmodel verify").exit_code, 0);
}

TEST_F(ReadModelCliTest, ABadLimitIsUsage) {
  const CommandResult result = Nedlia("readmodel verify --limit 0");
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

}  // namespace
}  // namespace nedlia::testing
