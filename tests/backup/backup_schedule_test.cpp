// The background schedule `nedlia serve` runs the daily backup with.
#include "backup/backup_schedule.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace nedlia::backup {
namespace {

using namespace std::chrono_literals;

TEST(BackupScheduleTest, RunsTheJobAfterTheDelayAndThenEveryPeriod) {
  std::atomic<int> runs = 0;
  {
    const BackupSchedule schedule([&runs] { ++runs; }, 10ms, 20ms);
    std::this_thread::sleep_for(300ms);
  }
  EXPECT_GE(runs.load(), 3);
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
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_GE(runs.load(), 2);
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
