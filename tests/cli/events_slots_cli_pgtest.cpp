// `nedlia events slots`: the server's replication slots with the WAL each keeps, and dropping
// one nobody will read again.
#include <gtest/gtest.h>

#include "pg/replication_slots.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class EventsSlotsCliTest : public ::testing::Test {
 protected:
  EventsSlotsCliTest() { pg::EnsureSlot(sql_, slot_); }
  ~EventsSlotsCliTest() override { pg::DropSlot(sql_, slot_); }
  EventsSlotsCliTest(const EventsSlotsCliTest&) = delete;
  EventsSlotsCliTest& operator=(const EventsSlotsCliTest&) = delete;

  CommandResult Nedlia(const std::string& arguments) {
    return RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments + " 2>&1");
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  std::string slot_ = "cli_" + database_.Name();
};

TEST_F(EventsSlotsCliTest, ListsEachSlotWithTheWalItRetains) {
  sql_.Execute("SELECT pg_switch_wal()");  // WAL past the slot's start
  const auto listed = Nedlia("events slots");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_EQ(listed.output.rfind(
                "slot\tkind\tdatabase\tactive\tconfirmed\tretained_bytes\twal_status\n", 0),
            0u)
      << listed.output;
  const std::string prefix = slot_ + "\tpgoutput\t" + database_.Name() + "\tno\t";
  const auto line = listed.output.find(prefix);
  ASSERT_NE(line, std::string::npos) << listed.output;
  const std::string rest = listed.output.substr(line + prefix.size());
  EXPECT_NE(rest.find("\treserved\n"), std::string::npos) << rest;
}

TEST_F(EventsSlotsCliTest, DropsASlotAndSaysWhenThereIsNone) {
  const auto dropped = Nedlia("events slots drop " + slot_);
  EXPECT_EQ(dropped.exit_code, 0) << dropped.output;
  EXPECT_EQ(dropped.output,
            "dropped replication slot " + slot_ + ": the server no longer keeps WAL for it\n");
  EXPECT_EQ(Nedlia("events slots").output.find(slot_), std::string::npos);
  const auto again = Nedlia("events slots drop " + slot_);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.output,
            "nedlia: there is no replication slot " + slot_ + " (see `nedlia events slots`)\n");
  pg::EnsureSlot(sql_, slot_);  // for the fixture to drop
}

}  // namespace
}  // namespace nedlia::testing
