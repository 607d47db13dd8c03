// Requests whose routes run on the event loop, in fibers: they wait without a worker, and move
// to one only when they must block.
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/curl_client.hpp"
#include "http/router.hpp"
#include "http/running_server.hpp"
#include "http/server.hpp"
#include "process/fiber.hpp"
#include "support/wait_for.hpp"

namespace nedlia::http {
namespace {

using namespace std::chrono_literals;
using nedlia::testing::WaitFor;
using testing::CurlClient;
using testing::RunningServer;
using testing::TestOptions;
using Clock = std::chrono::steady_clock;

std::string ThreadName() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

/// Wake-ups held until the test releases them, as a database lane holds its answers.
class Answers {
 public:
  void Hold(std::function<void()> wake) {
    const std::lock_guard lock(mutex_);
    held_.push_back(std::move(wake));
  }
  std::size_t Held() {
    const std::lock_guard lock(mutex_);
    return held_.size();
  }
  /// From a thread of its own, as the lane would.
  void ReleaseAll() {
    std::vector<std::function<void()>> wakes;
    {
      const std::lock_guard lock(mutex_);
      wakes.swap(held_);
    }
    std::thread([wakes = std::move(wakes)] {
      for (const auto& wake : wakes)
        wake();
    }).join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::function<void()>> held_;
};

class ServerOnLoopTest : public ::testing::Test {
 protected:
  ServerOnLoopTest() {
    router_.Add(
        Method::kGet, "/wait",
        [this](Request&) {
          Record();
          const bool woken = process::AwaitOnLoop(
              [this](std::function<void()> wake) { answers_.Hold(std::move(wake)); },
              Clock::now() + 10s);
          return Response::Text(woken ? 200 : 504, ThreadName());
        },
        Router::Runs::kOnLoop);
    router_.Add(
        Method::kGet, "/block",
        [](Request&) {
          process::LeaveEventLoop();
          std::this_thread::sleep_for(200ms);  // a blocking call, now on a worker
          return Response::Text(200, ThreadName());
        },
        Router::Runs::kOnLoop);
    router_.Add(Method::kGet, "/worker",
                [](Request&) { return Response::Text(200, ThreadName()); });
  }

  RunningServer& Serve(ServerOptions options) {
    options.runs_on_loop = [this](const Request& request) { return router_.RunsOnLoop(request); };
    server_.emplace(options, [this](Request& request) { return router_.Handle(request); });
    return *server_;
  }

  void Record() {
    const std::lock_guard lock(mutex_);
    handler_threads_.insert(std::this_thread::get_id());
  }

  Router router_;
  Answers answers_;
  std::mutex mutex_;
  std::set<std::thread::id> handler_threads_;
  std::optional<RunningServer> server_;
};

TEST_F(ServerOnLoopTest, WaitingRequestsHoldNoWorkerAndRunOnTheirLoop) {
  ServerOptions options = TestOptions();
  options.workers = 1;
  options.queue_limit = 0;  // on workers, the second request at once would be answered 503
  auto& server = Serve(options);
  constexpr int kClients = 16;
  std::vector<std::future<testing::HttpResult>> results;
  results.reserve(kClients);
  for (int i = 0; i < kClients; ++i) {
    results.push_back(std::async(std::launch::async, [&server] {
      CurlClient client;
      return client.Get(server.Url("/wait"));
    }));
  }
  ASSERT_TRUE(WaitFor([&] { return answers_.Held() == kClients; })) << answers_.Held();
  EXPECT_EQ(server.Get().Stats().requests_on_loop, std::size_t{kClients});
  EXPECT_EQ(server.Get().Stats().requests_running, 0U);
  answers_.ReleaseAll();
  for (auto& result : results) {
    const testing::HttpResult answer = result.get();
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body, "nedlia-io") << "resumed on its loop, not on the waking thread";
  }
  EXPECT_EQ(handler_threads_.size(), 1U) << "one io thread ran them all";
  EXPECT_TRUE(WaitFor([&] { return server.Get().Stats().requests_on_loop == 0; }));
  EXPECT_EQ(server.Get().Stats().requests_shed, 0U);
}

TEST_F(ServerOnLoopTest, ARequestThatMustBlockMovesToAWorkerAndTheLoopServesOthersMeanwhile) {
  auto& server = Serve(TestOptions());
  auto blocked = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/block"));
  });
  ASSERT_TRUE(WaitFor([&] { return server.Get().Stats().requests_running == 1; }));
  CurlClient other;
  const Clock::time_point started = Clock::now();
  const testing::HttpResult served = other.Get(server.Url("/worker"));
  EXPECT_EQ(served.status, 200);
  EXPECT_LT(Clock::now() - started, 150ms) << "the loop was not held by the blocked request";
  const testing::HttpResult moved = blocked.get();
  EXPECT_EQ(moved.status, 200);
  EXPECT_EQ(moved.body, "nedlia-worker");
}

TEST_F(ServerOnLoopTest, RoutesNotMarkedForTheLoopStillRunOnWorkers) {
  auto& server = Serve(TestOptions());
  CurlClient client;
  EXPECT_EQ(client.Get(server.Url("/worker")).body, "nedlia-worker");
  EXPECT_EQ(client.Get(server.Url("/nowhere")).status, 404);
}

TEST_F(ServerOnLoopTest, PastTheLoopsCapRequestsGoToTheWorkers) {
  ServerOptions options = TestOptions();
  options.max_on_loop = 0;
  auto& server = Serve(options);
  CurlClient client;
  EXPECT_EQ(client.Get(server.Url("/block")).body, "nedlia-worker");
  // On a worker, a wait is the caller's to do on its own thread: AwaitOnLoop is not used there.
  EXPECT_EQ(server.Get().Stats().requests_on_loop, 0U);
}

TEST_F(ServerOnLoopTest, StopLetsAWaitingRequestFinishAndAnswerIt) {
  auto& server = Serve(TestOptions());
  auto waiting = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/wait"));
  });
  ASSERT_TRUE(WaitFor([&] { return answers_.Held() == 1; }));
  server.Get().Stop();
  std::this_thread::sleep_for(100ms);
  answers_.ReleaseAll();
  const testing::HttpResult answer = waiting.get();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.Header("Connection"), "close");
  server.Join();
}

TEST_F(ServerOnLoopTest, AWakeUpAfterTheServerAbandonedTheRequestIsDropped) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = 100ms;
  auto& server = Serve(options);
  auto waiting = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/wait"));
  });
  ASSERT_TRUE(WaitFor([&] { return answers_.Held() == 1; }));
  server_.reset();  // stops, abandons the request after the grace period, destroys the loops
  EXPECT_NE(waiting.get().code, CURLE_OK) << "an abandoned request gets no answer";
  answers_.ReleaseAll();  // the database's answer comes late: nothing is posted to a dead loop
}

}  // namespace
}  // namespace nedlia::http
