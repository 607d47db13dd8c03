// The commit signal against a real PostgreSQL: the first commit's NOTIFY goes at once, later
// ones within the period share one NOTIFY at its end, and stopping does not wait the period.
#include <gtest/gtest.h>

#include "consumers/wakeup.hpp"
#include "events/commit_signal.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(CommitSignalTest, TheFirstRaiseNotifiesAtOnceAndLaterOnesShareOneNotifyPerPeriod) {
  TestDatabase database;
  consumers::Wakeup wakeup(database.Url(), events::kEventsChannel);
  EXPECT_FALSE(wakeup.Wait(10ms));  // listening from now on
  const auto created = Clock::now();
  {
    events::CommitSignal signal(database.Url(), 3s);
    signal.Raise();
    EXPECT_TRUE(wakeup.Wait(2s));  // not after the 3 s period
    EXPECT_LT(Clock::now() - created, 2s);

    signal.Raise();
    signal.Raise();
    EXPECT_FALSE(wakeup.Wait(1s));  // still inside the period of the first NOTIFY
    EXPECT_TRUE(wakeup.Wait(5s));   // one NOTIFY for both, at the period's end
    EXPECT_FALSE(wakeup.Wait(500ms));
    signal.Raise();
  }
  // Stopped inside a period: the destructor did not wait it out.
  EXPECT_LT(Clock::now() - created, 6s);
}

}  // namespace
}  // namespace nedlia::testing
