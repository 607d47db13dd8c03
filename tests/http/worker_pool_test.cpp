#include "http/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "support/wait_for.hpp"

namespace nedlia::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class FunctionJob final : public Job {
 public:
  explicit FunctionJob(std::function<void()> run) : run_(std::move(run)) {}
  void Run() noexcept override { run_(); }

 private:
  std::function<void()> run_;
};

std::unique_ptr<Job> MakeJob(std::function<void()> run) {
  return std::make_unique<FunctionJob>(std::move(run));
}

/// Posts `count` jobs that wait for `released`; returns once all of them run.
void OccupyUntilReleased(WorkerPool& pool, int count, const std::shared_future<void>& released) {
  auto started = std::make_shared<std::atomic<int>>(0);
  for (int i = 0; i < count; ++i) {
    auto job = MakeJob([started, released] {
      ++*started;
      released.wait();
    });
    ASSERT_TRUE(pool.TryPost(job));
  }
  ASSERT_TRUE(nedlia::testing::WaitFor([&] { return *started == count; })) << *started;
}

TEST(WorkerPoolTest, EveryJobRunsOnceEvenWhenQueuedAtDestruction) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(3, 1000);
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int i = 0; i < 200; ++i) {
          auto job = MakeJob([&] { ++ran; });
          ASSERT_TRUE(pool.TryPost(job));
        }
      });
    }
    for (auto& poster : posters)
      poster.join();
  }
  EXPECT_EQ(ran, 800);
}

TEST(WorkerPoolTest, AFullQueueRefusesAtOnceAndLeavesTheJobWithTheCaller) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto blocker = MakeJob([released] { released.wait(); });
  ASSERT_TRUE(pool.TryPost(blocker));
  auto waiting = MakeJob([] {});
  ASSERT_TRUE(pool.TryPost(waiting));
  auto refused = MakeJob([] {});
  const auto start = Clock::now();
  EXPECT_FALSE(pool.TryPost(refused));
  EXPECT_LT(Clock::now() - start, 50ms);
  EXPECT_NE(refused, nullptr);
  release.set_value();
}

TEST(WorkerPoolTest, LongJobsGetEveryThread) {
  WorkerPool pool(8, 0);
  const auto start = Clock::now();
  std::vector<std::future<void>> done;
  for (int i = 0; i < 8; ++i) {
    auto finished = std::make_shared<std::promise<void>>();
    done.push_back(finished->get_future());
    auto job = MakeJob([finished] {
      std::this_thread::sleep_for(200ms);  // a long job (a slow query): time is the point
      finished->set_value();
    });
    ASSERT_TRUE(pool.TryPost(job)) << i;
  }
  for (auto& future : done)
    future.wait();
  EXPECT_LT(Clock::now() - start, 380ms) << "eight 200 ms jobs on eight threads run side by side";
}

TEST(WorkerPoolTest, AJobQueuedBehindLongRunningOnesHasASleepingWorkerWoken) {
  WorkerPool pool(8, 8);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  OccupyUntilReleased(pool, 6, released);
  // Not synchronisation: the six run long enough to be no longer short jobs (1 ms).
  std::this_thread::sleep_for(5ms);
  std::promise<void> ran;
  auto late = MakeJob([&ran] { ran.set_value(); });
  ASSERT_TRUE(pool.TryPost(late));
  EXPECT_EQ(ran.get_future().wait_for(200ms), std::future_status::ready);
  release.set_value();
}

TEST(WorkerPoolTest, AJobLeftToShortJobsThatThenBlockIsTakenByASleepingWorker) {
  LazyWake lazy;
  lazy.short_job = std::chrono::hours(1);  // the running jobs look short for good
  lazy.max_wait = 5ms;
  WorkerPool pool(8, 8, lazy);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  OccupyUntilReleased(pool, 6, released);
  std::promise<void> ran;
  auto late = MakeJob([&ran] { ran.set_value(); });
  ASSERT_TRUE(pool.TryPost(late));  // left to the six, which never end
  EXPECT_EQ(ran.get_future().wait_for(200ms), std::future_status::ready);
  release.set_value();
}

}  // namespace
}  // namespace nedlia::http
