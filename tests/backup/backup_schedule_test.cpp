// The background schedule `nedlia serve` runs the daily backup with.
#include "backup/backup_schedule.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "support/wait_for.hpp"

namespace nedlia::backup {
namespace {

using namespace std::chrono_literals;

TEST(BackupScheduleTest, RunsTheJobAfterTheDelayAndThenEveryPeriod) {
  std::atomic<int> runs = 0;
  {
    const BackupSchedule schedule([&runs] { ++runs; }, 10ms, 20ms);
    EXPECT_TRUE(nedlia::testing::WaitFor([&runs] { return runs >= 3; })) << runs;
  }
}

TEST(BackupScheduleTest, AFailingJobIsRetriedNextPeriod) {
  std::atomic<int> runs = 0;
  {
    const BackupSchedule schedule(
        [&runs] {
          ++runs;
          throw std::runtime_error("object store down");
        },
        1ms, 10ms);
    EXPECT_TRUE(nedlia::testing::WaitFor([&runs] { return runs >= 2; })) << runs;
  }
}

TEST(BackupScheduleTest, StopsAtOnceWhenDestroyedBeforeTheFirstRun) {
  std::atomic<int> runs = 0;
  const auto start = std::chrono::steady_clock::now();
  {
    const BackupSchedule schedule([&runs] { ++runs; }, 1h, 1h);
  }
  EXPECT_EQ(runs.load(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace nedlia::backup
