// The server end to end over real loopback connections, with libcurl as the client.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "http/health.hpp"
#include "http/router.hpp"
#include "http/running_server.hpp"
#include "support/wait_for.hpp"

namespace nedlia::http {
namespace {

using namespace std::chrono_literals;
using nedlia::testing::WaitFor;
using testing::CurlClient;
using testing::RunningServer;
using testing::TestOptions;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

/// The routes most tests use.
class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    AddHealthRoutes(router_, [this]() -> std::optional<std::string> {
      if (ready_) {
        return std::nullopt;
      }
      return "database unreachable";
    });
    router_.Add(Method::kPost, "/echo",
                [](Request& request) { return Response::Text(200, request.body); });
    router_.Add(Method::kGet, "/fail",
                [](Request&) -> Response { throw std::runtime_error("secret connection string"); });
    router_.Add(Method::kGet, "/slow/{ms}", [this](Request& request) {
      ++slow_started_;
      // A handler that takes this long (a slow query): time passing is what is under test.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(request.PathParam("ms"))));
      return Response::Text(200, "slept");
    });
  }

  RunningServer& Serve(const ServerOptions& options = TestOptions()) {
    server_.emplace(options, [this](Request& request) { return router_.Handle(request); });
    return *server_;
  }

  void WaitForSlowRequests(int count) {
    ASSERT_TRUE(WaitFor([&] { return slow_started_ >= count; })) << slow_started_;
  }

  Router router_;
  std::atomic<bool> ready_{true};
  std::atomic<int> slow_started_{0};
  std::optional<RunningServer> server_;
};

TEST_F(ServerTest, HealthzAnswersOkAsJson) {
  auto& server = Serve();
  CurlClient client;
  const auto result = client.Get(server.Url("/healthz"));
  ASSERT_EQ(result.code, CURLE_OK);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(nlohmann::json::parse(result.body), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(result.Header("Content-Type"), "application/json");
  EXPECT_EQ(result.Header("Content-Length"), std::to_string(result.body.size()));
  EXPECT_EQ(result.Header("Server"), "nedlia");
}

TEST_F(ServerTest, ReadyzFollowsTheReadinessProbe) {
  auto& server = Serve();
  CurlClient client;
  const auto ready = client.Get(server.Url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ready.body), nlohmann::json({{"status", "ready"}}));

  ready_ = false;
  const auto unready = client.Get(server.Url("/readyz"));
  EXPECT_EQ(unready.status, 503);
  EXPECT_EQ(unready.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(unready.Header("Retry-After"), "5");
  EXPECT_EQ(nlohmann::json::parse(unready.body)["detail"], "database unreachable");
}

TEST_F(ServerTest, UnknownPathAnswers404ProblemJson) {
  auto& server = Serve();
  CurlClient client;
  const auto result = client.Get(server.Url("/nowhere"));
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(result.body)["status"], 404);
}

TEST_F(ServerTest, WrongMethodAnswers405WithAllow) {
  auto& server = Serve();
  CurlClient client;
  const auto result = client.Send("DELETE", server.Url("/healthz"));
  EXPECT_EQ(result.status, 405);
  EXPECT_EQ(result.Header("Allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadAnswersWithTheLengthOfGetAndNoBody) {
  auto& server = Serve();
  CurlClient client;
  const auto get = client.Get(server.Url("/healthz"));
  const auto head = client.Send("HEAD", server.Url("/healthz"));
  ASSERT_EQ(head.code, CURLE_OK);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size()));
  EXPECT_EQ(head.new_connections, 0) << "the connection stays usable after a HEAD";
}

TEST_F(ServerTest, BodyWithinTheLimitReachesTheHandler) {
  auto& server = Serve();
  CurlClient client;
  const std::string body(std::size_t{100} * 1000, 'x');
  const auto result = client.Send("POST", server.Url("/echo"), body, {"Expect:"});
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, body);
}

TEST_F(ServerTest, ExpectContinueIsAnsweredWithoutDelay) {
  auto& server = Serve();
  CurlClient client;
  const std::string body(1000, 'x');
  const auto start = Clock::now();
  const auto result = client.Send("POST", server.Url("/echo"), body, {"Expect: 100-continue"});
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, body);
  EXPECT_LT(Since(start), 800ms) << "curl waits 1 s when the server sends no 100 Continue";
}

TEST_F(ServerTest, BodyOverTheLimitAnswers413) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  auto& server = Serve(options);
  CurlClient client;
  const auto result = client.Send("POST", server.Url("/echo"),
                                  std::string(std::size_t{64} * 1024, 'x'), {"Expect:"});
  ASSERT_EQ(result.code, CURLE_OK) << curl_easy_strerror(result.code);
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(result.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(result.Header("Connection"), "close");
}

TEST_F(ServerTest, BodyOverTheLimitIsRefusedBeforeItIsSentWhenTheClientAsks) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 1024;
  auto& server = Serve(options);
  CurlClient client;
  const auto result =
      client.Send("POST", server.Url("/echo"), std::string(std::size_t{4} * 1024 * 1024, 'x'),
                  {"Expect: 100-continue"});
  ASSERT_EQ(result.code, CURLE_OK) << curl_easy_strerror(result.code);
  EXPECT_EQ(result.status, 413);
}

TEST_F(ServerTest, ThrowingHandlerAnswers500WithoutTheMessage) {
  auto& server = Serve();
  CurlClient client;
  const auto result = client.Get(server.Url("/fail"));
  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(result.body)["detail"], "internal error");
  EXPECT_EQ(result.body.find("secret"), std::string::npos);
}

TEST_F(ServerTest, UnknownMethodAnswers501) {
  auto& server = Serve();
  CurlClient client;
  const auto result = client.Send("BREW", server.Url("/healthz"));
  EXPECT_EQ(result.status, 501);
  EXPECT_EQ(result.Header("Content-Type"), "application/problem+json");
}

TEST_F(ServerTest, MalformedRequestAnswers400) {
  auto& server = Serve();
  const std::string reply = testing::RawExchange(server.Get().Port(), "GET /x HTTP/9\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos) << reply;
}

TEST_F(ServerTest, SilentClientIsDisconnectedAfterTheHeaderTimeout) {
  ServerOptions options = TestOptions();
  options.header_timeout = 300ms;
  auto& server = Serve(options);
  const auto start = Clock::now();
  EXPECT_EQ(testing::RawExchange(server.Get().Port(), ""), "");
  EXPECT_LT(Since(start), 3s);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  auto& server = Serve();
  CurlClient client;
  const auto first = client.Get(server.Url("/healthz"));
  const auto second = client.Get(server.Url("/healthz"));
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(second.new_connections, 0);
}

TEST_F(ServerTest, SlowHandlersOnSeveralConnectionsRunInParallel) {
  auto& server = Serve();
  const auto start = Clock::now();
  std::vector<std::future<long>> statuses;
  statuses.reserve(8);
  for (int i = 0; i < 8; ++i) {
    statuses.push_back(std::async(std::launch::async, [&server] {
      CurlClient client;
      return client.Get(server.Url("/slow/200")).status;
    }));
  }
  for (auto& status : statuses) {
    EXPECT_EQ(status.get(), 200);
  }
  EXPECT_LT(Since(start), 1000ms) << "8 requests of 200 ms each, one after another, take 1.6 s";
}

TEST_F(ServerTest, AtTheCapTheIdleConnectionIsClosedToAdmitANewOne) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  options.min_idle_to_evict = 0ms;
  auto& server = Serve(options);
  CurlClient holder;  // keeps its connection open between requests: idle
  EXPECT_EQ(holder.Get(server.Url("/healthz")).status, 200);
  // An answer can reach its client before the connection is idle again.
  const auto one_idle = [&] { return server.Get().Stats().connections_idle == 1; };
  ASSERT_TRUE(WaitFor(one_idle));

  CurlClient other;
  EXPECT_EQ(other.Get(server.Url("/healthz")).status, 200);
  ASSERT_TRUE(WaitFor(one_idle));
  const auto again = holder.Get(server.Url("/healthz"));
  EXPECT_EQ(again.status, 200) << "curl reconnects, evicting the other idle connection";
  EXPECT_EQ(again.new_connections, 1) << "the holder's idle connection was closed";
  EXPECT_GE(server.Get().Stats().connections_evicted, 2U);
}

TEST_F(ServerTest, AtTheCapWithNoIdleConnectionANewOneIsAnswered503AndClosed) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  auto& server = Serve(options);
  auto busy = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/slow/500")).status;
  });
  WaitForSlowRequests(1);
  CurlClient other;
  const auto refused = other.Get(server.Url("/healthz"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["detail"], "too many connections");
  EXPECT_EQ(refused.Header("Connection"), "close");
  EXPECT_EQ(refused.Header("Retry-After"), "1");
  EXPECT_EQ(busy.get(), 200);  // the busy one is unaffected
}

TEST_F(ServerTest, StopLetsARequestInFlightFinishAndRefusesNewConnections) {
  auto& server = Serve();
  auto in_flight = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/slow/500"));
  });
  WaitForSlowRequests(1);
  server.Get().Stop();

  CurlClient late;
  // Stop closes the listener asynchronously.
  EXPECT_TRUE(WaitFor(
      [&] { return late.Get(server.Url("/healthz")).code == CURLE_COULDNT_CONNECT; }, 400ms));

  const auto result = in_flight.get();
  EXPECT_EQ(result.code, CURLE_OK);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "slept");
  EXPECT_EQ(result.Header("Connection"), "close");
  server.Join();
}

TEST_F(ServerTest, StopClosesIdleKeepAliveConnectionsAtOnce) {
  auto& server = Serve();  // idle timeout 75 s, grace 10 s
  CurlClient client;
  ASSERT_EQ(client.Get(server.Url("/healthz")).status, 200);  // stays connected, idle
  const auto start = Clock::now();
  server.Get().Stop();
  server.Join();
  EXPECT_LT(Since(start), 2s);
}

TEST_F(ServerTest, StopAbandonsRequestsThatOutlastTheGracePeriod) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = 200ms;
  auto& server = Serve(options);
  auto in_flight = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/slow/1500")).status;
  });
  WaitForSlowRequests(1);
  const auto start = Clock::now();
  server.Get().Stop();
  server.Join();
  EXPECT_LT(Since(start), 1200ms);
  server_.reset();  // closes the abandoned connection once its handler has returned
  EXPECT_NE(in_flight.get(), 200);
}

TEST(ServerStartTest, PortAlreadyInUseThrowsServerError) {
  Server first(TestOptions(), [](Request&) { return Response::Text(200, "first"); });
  first.Start();
  ServerOptions options = TestOptions();
  options.port = first.Port();
  Server second(options, [](Request&) { return Response::Text(200, "second"); });
  try {
    second.Start();
    FAIL() << "Start succeeded on a port already in use";
  } catch (const ServerError& error) {
    EXPECT_NE(std::string(error.what()).find("address already in use"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(first.Port())),
              std::string::npos)
        << error.what();
    EXPECT_EQ(error.Code(), std::errc::address_in_use);
  }
}

TEST(ServerStartTest, EphemeralPortIsReported) {
  Server server(TestOptions(), [](Request&) { return Response::Text(200, "ok"); });
  server.Start();
  EXPECT_NE(server.Port(), 0);
}

}  // namespace
}  // namespace nedlia::http
