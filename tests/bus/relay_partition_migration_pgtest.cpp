// Migration 846e28194705: bus-relay's four partitions become one, at the earliest of their
// positions, so that the relay, restarted on the new code, skips nothing.
#include <gtest/gtest.h>

#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kBefore = "7d2e4c1a9b30";

class RelayPartitionMigrationTest : public ::testing::Test {
 protected:
  void Migrate(const std::string& arguments) {
    const CommandResult result =
        RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                   " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(SourceDir() + "/migrations") + " " +
                   ShellQuote(NedliaBinary()) + " migrate " + arguments);
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }

  /// consumer:partition/partitions@transaction.position#handled, in order.
  std::string Subscriptions() {
    std::string rows;
    for (const pg::Row& row :
         sql_.Execute("SELECT format('%s:%s/%s@%s.%s#%s', consumer, partition, partitions, "
                      "last_transaction_id, last_position, handled_count) "
                      "FROM event_subscriptions ORDER BY consumer, partition"))
      rows += row[0].As<std::string>() + " ";
    return rows;
  }

  TestDatabase database_{Template::kEmpty};
  pg::Connection sql_ = database_.Connect();
};

TEST_F(RelayPartitionMigrationTest, FourPartitionsMergeAtTheEarliestAndSplitBack) {
  Migrate(std::string("upgrade ") + kBefore);
  sql_.Execute(R"sql(
      INSERT INTO event_subscriptions
          (consumer, partition, partitions, last_transaction_id, last_position, handled_count)
      VALUES ('bus-relay', 0, 4, '900', 2, 10), ('bus-relay', 1, 4, '800', 7, 20),
             ('bus-relay', 2, 4, '800', 5, 30), ('bus-relay', 3, 4, '950', 1, 40),
             ('validator', 0, 2, '100', 1, 1), ('validator', 1, 2, '990', 3, 2))sql");

  Migrate("upgrade head");
  EXPECT_EQ(Subscriptions(),
            "bus-relay:0/1@800.5#100 validator:0/2@100.1#1 validator:1/2@990.3#2 ");

  Migrate(std::string("downgrade ") + kBefore);
  EXPECT_EQ(Subscriptions(),
            "bus-relay:0/4@800.5#100 bus-relay:1/4@800.5#0 bus-relay:2/4@800.5#0 "
            "bus-relay:3/4@800.5#0 validator:0/2@100.1#1 validator:1/2@990.3#2 ");
}

TEST_F(RelayPartitionMigrationTest, ADatabaseWithoutARelayGainsNoSubscription) {
  Migrate("upgrade head");
  EXPECT_EQ(Subscriptions(), "");
}

}  // namespace
}  // namespace nedlia::testing
