// The background loop of server upkeep: rounds follow the waits they return, and destruction
// does not wait out a long wait.
#include "process/periodic_thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using std::chrono::milliseconds;

TEST(PeriodicThreadTest, RoundsRunAfterTheWaitEachReturns) {
  std::atomic<int> rounds{0};
  {
    process::PeriodicThread thread(milliseconds(0), [&rounds] {
      return ++rounds < 3 ? milliseconds(1) : milliseconds(3'600'000);
    });
    ASSERT_TRUE(WaitFor([&rounds] { return rounds >= 3; })) << rounds;
    // Not synchronisation: a window in which a fourth round, were one due, would have run.
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(rounds, 3) << "the third round asked for an hour";
}

TEST(PeriodicThreadTest, DestructionEndsALongWaitAtOnce) {
  std::atomic<int> rounds{0};
  const auto start = std::chrono::steady_clock::now();
  {
    process::PeriodicThread thread(milliseconds(3'600'000), [&rounds] {
      ++rounds;
      return milliseconds(1);
    });
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(rounds, 0) << "no round before its first wait is over";
}

}  // namespace
}  // namespace nedlia::testing
