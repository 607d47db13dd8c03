#include "process/fiber.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "process/log_context.hpp"
#include "support/fiber_loop.hpp"

namespace nedlia::process {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using testing::TestHost;
using testing::TestLoop;

// The thread running the caller, asked of the kernel: pthread_self() is declared const, so a
// compiler may read it once for a whole function, across a fiber's move to another thread.
pid_t ThisThread() {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

void Start(TestLoop& loop, std::function<void()> body) {
  StartFiber(std::make_unique<TestHost>(loop), std::move(body));
}

TEST(FiberTest, ABodyThatNeverWaitsEndsBeforeStartReturns) {
  TestLoop loop;
  bool on_loop = false;
  bool ended = false;
  Start(loop, [&] {
    on_loop = OnEventLoop();
    ended = true;
  });
  EXPECT_TRUE(ended);
  EXPECT_TRUE(on_loop);
  EXPECT_FALSE(OnEventLoop()) << "the loop's own code is not in a fiber";
}

TEST(FiberTest, AWaitingFiberLeavesTheLoopFreeAndResumesOnItWhenWoken) {
  TestLoop loop;
  std::function<void()> wake;
  std::atomic<bool> armed = false;
  bool woken = false;
  std::thread::id resumed_on;
  bool ended = false;
  Start(loop, [&] {
    woken = AwaitOnLoop(
        [&](std::function<void()> w) {
          wake = std::move(w);
          armed = true;
        },
        Clock::now() + 10s);
    resumed_on = std::this_thread::get_id();
    ended = true;
  });
  ASSERT_TRUE(armed) << "arm runs as soon as the fiber is suspended";
  EXPECT_FALSE(ended);
  bool other_work_ran = false;
  loop.Post([&] { other_work_ran = true; });
  ASSERT_TRUE(loop.RunUntil([&] { return other_work_ran; }));
  EXPECT_FALSE(ended) << "the loop ran other work while the fiber waited";

  std::thread waker([&] { wake(); });  // as a database lane would, from its own thread
  waker.join();
  ASSERT_TRUE(loop.RunUntil([&] { return ended; }));
  EXPECT_TRUE(woken);
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
}

TEST(FiberTest, AWaitEndsAtItsDeadlineAndALateWakeIsHarmless) {
  TestLoop loop;
  std::function<void()> wake;
  bool woken = true;
  bool ended = false;
  const Clock::time_point started = Clock::now();
  Start(loop, [&] {
    woken = AwaitOnLoop([&](std::function<void()> w) { wake = std::move(w); }, Clock::now() + 50ms);
    ended = true;
  });
  ASSERT_TRUE(loop.RunUntil([&] { return ended; }));
  EXPECT_FALSE(woken);
  EXPECT_GE(Clock::now() - started, 50ms);
  wake();  // the answer came after all: nothing runs
  bool drained = false;
  loop.Post([&] { drained = true; });
  EXPECT_TRUE(loop.RunUntil([&] { return drained; }));
}

TEST(FiberTest, AWakeBeforeTheDeadlineCancelsIt) {
  TestLoop loop;
  int resumes = 0;
  bool ended = false;
  Start(loop, [&] {
    EXPECT_TRUE(
        AwaitOnLoop([](const std::function<void()>& wake) { wake(); }, Clock::now() + 30ms));
    ++resumes;
    ended = true;
  });
  ASSERT_TRUE(loop.RunUntil([&] { return ended; }));
  std::this_thread::sleep_for(60ms);
  bool later = false;
  loop.Post([&] { later = true; });
  ASSERT_TRUE(loop.RunUntil([&] { return later; }));
  EXPECT_EQ(resumes, 1);
}

TEST(FiberTest, LeavingTheLoopMovesTheFiberToABlockingThreadForGood) {
  TestLoop loop;
  std::atomic<bool> ended = false;
  pid_t before = 0;
  pid_t after = 0;
  bool on_loop_after = true;
  Start(loop, [&] {
    before = ThisThread();
    LeaveEventLoop();
    after = ThisThread();
    on_loop_after = OnEventLoop();
    LeaveEventLoop();                   // already off the loop: nothing to do
    std::this_thread::sleep_for(10ms);  // blocking is allowed now
    ended = true;
  });
  ASSERT_TRUE(loop.RunUntil([&] { return ended.load(); }));
  EXPECT_EQ(before, ThisThread());
  EXPECT_NE(after, ThisThread());
  EXPECT_FALSE(on_loop_after);
}

TEST(FiberTest, WithNoBlockingThreadFreeTheFiberStaysOnTheLoopAndIsTold) {
  TestLoop loop;
  loop.take_blocking = false;
  bool refused = false;
  bool still_on_loop = false;
  Start(loop, [&] {
    try {
      LeaveEventLoop();
    } catch (const NoBlockingThread&) {
      refused = true;
    }
    still_on_loop = OnEventLoop();
  });
  EXPECT_TRUE(refused);
  EXPECT_TRUE(still_on_loop);
}

TEST(FiberTest, EachFiberKeepsItsOwnLogContextAcrossWaits) {
  TestLoop loop;
  const LogComponent loop_component("loop");
  std::vector<std::function<void()>> wakes;
  std::vector<std::string> seen;
  int ended = 0;
  for (const std::string trace : {"aaaa", "bbbb"}) {
    Start(loop, [&, trace] {
      const LogTrace scoped(trace);
      AwaitOnLoop([&](std::function<void()> wake) { wakes.push_back(std::move(wake)); },
                  Clock::now() + 5s);
      seen.push_back(ThisThreadLog().trace_id + "/" + ThisThreadLog().component);
      ++ended;
    });
    EXPECT_EQ(ThisThreadLog().trace_id, "") << "a waiting fiber's trace stays with it";
    EXPECT_EQ(ThisThreadLog().component, "loop");
  }
  ASSERT_EQ(wakes.size(), 2U);
  wakes[1]();
  wakes[0]();
  ASSERT_TRUE(loop.RunUntil([&] { return ended == 2; }));
  EXPECT_EQ(seen, (std::vector<std::string>{"bbbb/http", "aaaa/http"}));
  EXPECT_EQ(ThisThreadLog().trace_id, "");
}

TEST(FiberTest, AThousandWaitAtOnceEachWithItsOwnStackAndAnswer) {
  TestLoop loop;
  constexpr int kFibers = 1000;
  std::vector<std::function<void()>> wakes(kFibers);
  std::vector<int> answers(kFibers, -1);
  std::vector<int> results(kFibers, -1);
  int ended = 0;
  for (int i = 0; i < kFibers; ++i) {
    Start(loop, [&, i] {
      const int mine = i * 7;  // on the fiber's own stack across the wait
      AwaitOnLoop([&, i](std::function<void()> wake) { wakes[i] = std::move(wake); },
                  Clock::now() + 10s);
      results[i] = mine + answers[i];
      ++ended;
    });
  }
  std::thread wakers([&] {
    for (int i = kFibers - 1; i >= 0; --i) {
      answers[i] = i;  // published to the fiber by the wake-up's post
      wakes[i]();
    }
  });
  wakers.join();
  ASSERT_TRUE(loop.RunUntil([&] { return ended == kFibers; }));
  for (int i = 0; i < kFibers; ++i)
    ASSERT_EQ(results[i], i * 8) << i;
}

TEST(FiberTest, ExceptionsThrownAndCaughtInsideAFiberWorkAcrossWaits) {
  TestLoop loop;
  std::string caught;
  bool ended = false;
  Start(loop, [&] {
    AwaitOnLoop([](const std::function<void()>& wake) { wake(); }, Clock::now() + 5s);
    try {
      throw std::runtime_error("inside");
    } catch (const std::runtime_error& error) {
      caught = error.what();
    }
    ended = true;
  });
  ASSERT_TRUE(loop.RunUntil([&] { return ended; }));
  EXPECT_EQ(caught, "inside");
}

}  // namespace
}  // namespace nedlia::process
