// The server against hostile and broken clients: each test is an attack that an unbounded
// server falls to. Real loopback connections; the attacker is a plain socket.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "http/raw_socket.hpp"
#include "http/router.hpp"
#include "http/running_server.hpp"
#include "http/server.hpp"
#include "support/wait_for.hpp"

namespace nedlia::http {
namespace {

using namespace std::chrono_literals;
using nedlia::testing::WaitFor;
using testing::CurlClient;
using testing::RawSocket;
using testing::RunningServer;
using testing::TestOptions;
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

std::string StatusLine(const std::string& reply) {
  return reply.substr(0, reply.find("\r\n"));
}

/// The problem document of a raw reply (its body after the blank line).
nlohmann::json ProblemOf(const std::string& reply) {
  const std::size_t body = reply.find("\r\n\r\n");
  return body == std::string::npos ? nlohmann::json()
                                   : nlohmann::json::parse(reply.substr(body + 4), nullptr, false);
}

class ServerLimitsTest : public ::testing::Test {
 protected:
  ServerLimitsTest() {
    router_.Add(Method::kGet, "/healthz", [](Request&) { return Response::Text(200, "ok"); });
    router_.Add(Method::kPost, "/echo",
                [](Request& request) { return Response::Text(200, request.body); });
    router_.Add(Method::kGet, "/slow/{ms}", [this](Request& request) {
      const int now = ++running_;
      int seen = max_running_;
      while (now > seen && !max_running_.compare_exchange_weak(seen, now)) {
      }
      ++slow_started_;
      // A handler that takes this long (a slow query): time passing is what is under test.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(request.PathParam("ms"))));
      --running_;
      return Response::Text(200, "slept");
    });
  }

  RunningServer& Serve(const ServerOptions& options = TestOptions()) {
    server_.emplace(options, [this](Request& request) { return router_.Handle(request); });
    return *server_;
  }

  Router router_;
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
  std::atomic<int> slow_started_{0};
  std::optional<RunningServer> server_;
};

TEST_F(ServerLimitsTest, SilentConnectionsPastTheCapDoNotLockOutNewClients) {
  ServerOptions options = TestOptions();
  options.max_connections = 20;
  options.min_idle_to_evict = 100ms;
  auto& server = Serve(options);
  std::vector<RawSocket> silent;
  for (int i = 0; i < 40; ++i) {
    silent.emplace_back(server.Port());
    std::this_thread::sleep_for(5ms);  // an attacker's pace; the evictions need 100 ms of idle
  }
  ASSERT_TRUE(WaitFor([&] { return server.Get().Stats().connections <= 20; }));
  std::this_thread::sleep_for(150ms);  // every silent connection is now evictable
  CurlClient client;
  EXPECT_EQ(client.Get(server.Url("/healthz")).status, 200);
  EXPECT_LE(server.Get().Stats().connections, 20U);
  EXPECT_GE(server.Get().Stats().connections_evicted, 20U);
}

TEST_F(ServerLimitsTest, ANewConnectionIsNotEvictedBeforeItHadTimeToSendItsRequest) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;  // min_idle_to_evict: the default second
  auto& server = Serve(options);
  RawSocket fresh(server.Port());
  ASSERT_TRUE(WaitFor([&] { return server.Get().Stats().connections == 1; }));
  CurlClient late;
  EXPECT_EQ(late.Get(server.Url("/healthz")).status, 503);
  ASSERT_TRUE(fresh.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(StatusLine(fresh.ReadUntilClosed()), "HTTP/1.1 200 OK");
}

TEST_F(ServerLimitsTest, ABurstOfConnectionsIsCountedAtAcceptAndNeverExceedsTheCap) {
  ServerOptions options = TestOptions();
  options.max_connections = 8;
  options.workers = 32;
  auto& server = Serve(options);
  // A burst for real: every connection is made before the first request starts its 300 ms
  // (starting 24 threads can take longer than that on a loaded machine).
  std::promise<void> release;
  const std::shared_future<void> released = release.get_future().share();
  std::vector<std::future<std::string>> replies;
  for (int i = 0; i < 24; ++i) {
    replies.push_back(std::async(std::launch::async, [&server, released] {
      RawSocket socket(server.Port());
      released.wait();
      socket.Send("GET /slow/300 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      return StatusLine(socket.ReadUntilClosed());
    }));
  }
  EXPECT_TRUE(WaitFor([&] {
    const ServerStats stats = server.Get().Stats();
    return stats.connections_accepted + stats.connections_refused == 24;
  }));
  release.set_value();
  int served = 0;
  int refused = 0;
  for (auto& reply : replies) {
    const std::string status = reply.get();
    served += status == "HTTP/1.1 200 OK" ? 1 : 0;
    refused += status == "HTTP/1.1 503 Service Unavailable" ? 1 : 0;
  }
  EXPECT_EQ(served + refused, 24) << "every client got an answer";
  EXPECT_LE(max_running_, 8);
  EXPECT_GE(refused, 16);
}

TEST_F(ServerLimitsTest, SlowlorisIsCutOffAtTheHeaderDeadlineHoweverSteadilyItSends) {
  ServerOptions options = TestOptions();
  options.header_timeout = 400ms;
  auto& server = Serve(options);
  RawSocket slow(server.Port());
  const std::string head =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const auto start = Clock::now();
  bool closed = false;
  for (std::size_t i = 0; i < head.size() && !closed; ++i) {
    closed = !slow.Send(head.substr(i, 1)) || slow.ClosedWithin(100ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Since(start), 1500ms);
  // Counted as the timed-out read completes, which the client's close may precede.
  EXPECT_TRUE(WaitFor([&] { return server.Get().Stats().requests_timed_out >= 1U; }));
}

TEST_F(ServerLimitsTest, ABodyTricklingBelowTheMinimumRateIsCutOff) {
  ServerOptions options = TestOptions();
  options.body_timeout = 300ms;
  options.body_min_rate = 1000;
  auto& server = Serve(options);
  RawSocket slow(server.Port());
  ASSERT_TRUE(slow.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  const auto start = Clock::now();
  bool closed = false;
  for (int i = 0; i < 50 && !closed; ++i) {  // 100 bytes a second: a tenth of the minimum
    closed = !slow.Send(std::string(10, 'x')) || slow.ClosedWithin(100ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Since(start), 2s);
}

TEST_F(ServerLimitsTest, AChunkSizeLineThatNeverEndsIsAnswered400WithinTheHeaderLimit) {
  auto& server = Serve();
  RawSocket attacker(server.Port());
  ASSERT_TRUE(
      attacker.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;"));
  // Far more than the 16 KiB a chunk-size line may take; the server reads (and discards) it.
  attacker.Send(std::string(std::size_t{2} * 1024 * 1024, 'a'), 3s);
  const std::string reply = attacker.ReadUntilClosed();
  EXPECT_EQ(StatusLine(reply), "HTTP/1.1 400 Bad Request") << reply.substr(0, 200);
  EXPECT_GE(server.Get().Stats().requests_rejected, 1U);
}

TEST_F(ServerLimitsTest, ALongChunkExtensionIsAnswered400) {
  auto& server = Serve();
  RawSocket client(server.Port());
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;" +
                          std::string(300, 'a') + "\r\nhello\r\n0\r\n\r\n"));
  EXPECT_EQ(StatusLine(client.ReadUntilClosed()), "HTTP/1.1 400 Bad Request");
}

TEST_F(ServerLimitsTest, TrailerFieldsPastTheHeaderLimitAreRefused) {
  ServerOptions options = TestOptions();
  options.max_header_bytes = 4096;
  auto& server = Serve(options);
  RawSocket client(server.Port());
  client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n");
  for (int i = 0; i < 200; ++i)
    client.Send("X-Trailer-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n", 1s);
  EXPECT_EQ(StatusLine(client.ReadUntilClosed()), "HTTP/1.1 400 Bad Request");
}

// Python's urllib (and many clients) write the whole body before reading: a server that closes
// right after its 413 resets the connection, and the client sees "Broken pipe", not the status.
TEST_F(ServerLimitsTest, AClientThatWritesAWholeOversizedBodyFirstReadsThe413) {
  auto& server = Serve();  // 1 MiB
  RawSocket client(server.Port());
  const std::size_t size = std::size_t{8} * 1024 * 1024;
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n"));
  EXPECT_TRUE(client.Send(std::string(size, 'x'), 10s)) << "the server kept reading";
  const std::string reply = client.ReadUntilClosed();
  EXPECT_EQ(StatusLine(reply), "HTTP/1.1 413 Payload Too Large");
  EXPECT_EQ(ProblemOf(reply)["status"], 413);
}

TEST_F(ServerLimitsTest, AFullWorkerQueueIsAnswered503AtOnce) {
  ServerOptions options = TestOptions();
  options.workers = 1;
  options.queue_limit = 0;
  auto& server = Serve(options);
  auto busy = std::async(std::launch::async, [&server] {
    CurlClient client;
    return client.Get(server.Url("/slow/800")).status;
  });
  ASSERT_TRUE(WaitFor([&] { return slow_started_ == 1; }));
  CurlClient shed;
  const auto start = Clock::now();
  const auto result = shed.Get(server.Url("/healthz"));
  EXPECT_LT(Since(start), 400ms);
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(result.Header("Retry-After"), "1");
  EXPECT_EQ(busy.get(), 200);
  // The answer reaches its client a moment before its worker counts itself free.
  ASSERT_TRUE(WaitFor([&] { return server.Get().Stats().requests_running == 0; }));
  EXPECT_EQ(shed.Get(server.Url("/healthz")).status, 200) << "served again once a worker is free";
  EXPECT_EQ(server.Get().Stats().requests_shed, 1U);
}

TEST_F(ServerLimitsTest, ConnectionsPastThePerAddressCapAreAnswered429) {
  ServerOptions options = TestOptions();
  options.max_connections_per_address = 2;
  auto& server = Serve(options);
  RawSocket first(server.Port());
  RawSocket second(server.Port());
  ASSERT_TRUE(WaitFor([&] { return server.Get().Stats().connections == 2; }));
  CurlClient third;
  const auto result = third.Get(server.Url("/healthz"));
  EXPECT_EQ(result.status, 429);
  EXPECT_EQ(result.Header("Retry-After"), "1");
}

TEST_F(ServerLimitsTest, BodiesBeyondTheMemoryBudgetAreAnswered503) {
  ServerOptions options = TestOptions();
  options.max_buffered_body_bytes = 1000;
  auto& server = Serve(options);
  CurlClient client;
  EXPECT_EQ(client.Send("POST", server.Url("/echo"), std::string(900, 'x'), {"Expect:"}).status,
            200);
  const auto result = client.Send("POST", server.Url("/echo"), std::string(2000, 'x'), {"Expect:"});
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(client.Send("POST", server.Url("/echo"), std::string(900, 'x'), {"Expect:"}).status,
            200)
      << "the budget was given back";
}

class NonUtf8Test : public ServerLimitsTest {
 protected:
  std::string Exchange(const std::string& request_head) {
    RawSocket client(server_->Port());
    client.Send(request_head);
    return client.ReadUntilClosed();
  }
};

TEST_F(NonUtf8Test, RawBytesInThePathOrQueryAreAnswered400) {
  Serve();
  for (const std::string target : {"/vide\xffs", "/healthz?limit=\xff", "/healthz?\xc3"}) {
    const std::string reply = Exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusLine(reply), "HTTP/1.1 400 Bad Request") << target;
    EXPECT_EQ(ProblemOf(reply)["errors"][0]["pointer"], "/path") << reply;
  }
}

TEST_F(NonUtf8Test, PercentEncodedBytesThatAreNotUtf8AreAnswered400WithAPointer) {
  Serve();
  const std::string query = Exchange("GET /healthz?limit=%ff HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusLine(query), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(ProblemOf(query)["errors"][0]["pointer"], "/query/limit");
  const std::string path = Exchange("GET /v1/videos/%c3%28 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(ProblemOf(path)["errors"][0]["pointer"], "/path");
  const std::string text =
      Exchange("GET /caf%C3%A9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusLine(text), "HTTP/1.1 404 Not Found") << "valid UTF-8 reaches the router";
}

TEST_F(NonUtf8Test, HeaderValuesThatAreNotUtf8AreAnswered400AndNeverLoggedRaw) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  spdlog::set_level(spdlog::level::debug);
  Serve();
  const std::string reply = Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Name: caf\xe9\r\n\r\n");
  const std::string valid =
      Exchange("GET /healthz?q=%e9%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  server_.reset();
  spdlog::set_default_logger(previous);
  EXPECT_EQ(StatusLine(reply), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(ProblemOf(reply)["errors"][0]["pointer"], "/header/X-Name");
  EXPECT_EQ(StatusLine(valid), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(log.str().find('\xe9'), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find('\xff'), std::string::npos) << log.str();
}

}  // namespace
}  // namespace nedlia::http
