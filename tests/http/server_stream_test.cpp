// Streamed answers (Server-Sent Events) on the event loop: the server drives a BodySource,
// writes with a deadline, and ends the stream when the client leaves, is too slow, or the server
// stops — promptly, whatever the client does.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

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

/// A source whose pieces a test pushes from its own thread (as the event hub does), or that
/// produces without end when `endless`. Records how the server ended it.
class TestSource : public BodySource {
 public:
  explicit TestSource(bool endless = false) : endless_(endless) {}

  void Start(std::function<void()> wake) override {
    const std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
    started_ = true;
  }
  bool Take(std::string& out) override {
    const std::lock_guard lock(mutex_);
    if (endless_) {
      out.append(std::size_t{64} * 1024, 'e');
      wake_();  // more at once: the server takes again as soon as the write is done
      return true;
    }
    out += pending_;
    pending_.clear();
    return !finished_;
  }
  std::string Stop(StreamEnd why) override {
    const std::lock_guard lock(mutex_);
    wake_ = nullptr;  // never called after Stop returns
    ended_ = why;
    ended_signal_.notify_all();
    return ": bye\n\n";
  }

  /// Adds a piece and wakes the server; `last` ends the body after it.
  void Push(const std::string& piece, bool last = false) {
    const std::lock_guard lock(mutex_);
    pending_ += piece;
    finished_ = last;
    if (wake_)
      wake_();
  }
  std::optional<StreamEnd> EndedWithin(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ended_signal_.wait_for(lock, timeout, [this] { return ended_.has_value(); });
    return ended_;
  }
  bool Started() {
    const std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  const bool endless_;
  std::mutex mutex_;
  std::condition_variable ended_signal_;
  std::function<void()> wake_;
  std::string pending_;
  bool finished_ = false;
  bool started_ = false;
  std::optional<StreamEnd> ended_;
};

class ServerStreamTest : public ::testing::Test {
 protected:
  ServerStreamTest() {
    router_.Add(Method::kGet, "/stream", [this](Request&) {
      Response response;
      response.SetHeader("Content-Type", "text/event-stream");
      response.source = source_;
      return response;
    });
  }

  RunningServer& Serve(const ServerOptions& options = TestOptions()) {
    server_.emplace(options, [this](Request& request) { return router_.Handle(request); });
    return *server_;
  }

  RawSocket OpenStream() {
    RawSocket client(server_->Port());
    client.Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    return client;
  }

  Router router_;
  std::shared_ptr<TestSource> source_ = std::make_shared<TestSource>();
  std::optional<RunningServer> server_;
};

TEST_F(ServerStreamTest, PiecesArriveChunkedAsTheSourceProducesThem) {
  Serve();
  RawSocket client = OpenStream();
  ASSERT_TRUE(WaitFor([&] { return source_->Started(); }));
  source_->Push("data: one\n\n");
  const std::string first = client.ReadUntil("data: one");
  EXPECT_NE(first.find("Transfer-Encoding: chunked"), std::string::npos) << first;
  source_->Push("data: two\n\n", true);
  const std::string rest = client.ReadUntilClosed();
  EXPECT_NE(rest.find("data: two"), std::string::npos);
  EXPECT_NE(rest.find("0\r\n\r\n"), std::string::npos) << "the body ended properly";
  EXPECT_EQ(source_->EndedWithin(1s), StreamEnd::kComplete);
}

TEST_F(ServerStreamTest, TheStreamEndsAtOnceWhenTheClientLeaves) {
  Serve();
  {
    RawSocket client = OpenStream();
    ASSERT_TRUE(WaitFor([&] { return source_->Started(); }));
  }
  EXPECT_EQ(source_->EndedWithin(1s), StreamEnd::kClientGone);
  EXPECT_TRUE(WaitFor([&] { return server_->Get().Stats().connections == 0; }));
}

TEST_F(ServerStreamTest, AClientThatStopsReadingIsCutOffAfterTheWriteTimeout) {
  source_ = std::make_shared<TestSource>(true);
  ServerOptions options = TestOptions();
  options.write_timeout = 300ms;
  Serve(options);
  RawSocket client = OpenStream();  // and never reads
  EXPECT_EQ(source_->EndedWithin(5s), StreamEnd::kTooSlow);
}

TEST_F(ServerStreamTest, StopEndsEveryStreamPromptlyEvenWhenItsClientDoesNotRead) {
  source_ = std::make_shared<TestSource>(true);
  Serve();  // write timeout 30 s, grace 10 s: neither may hold the stop
  RawSocket stuck = OpenStream();
  ASSERT_TRUE(WaitFor([&] { return source_->Started(); }));
  // Stuck for real: the server's send queue toward the client is full.
  ASSERT_TRUE(WaitFor(
      [&] { return testing::ConnectionsWithSendQueueOver(server_->Port(), 64 * 1024) == 1; }));
  const auto start = Clock::now();
  server_->Get().Stop();
  server_->Join();
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_EQ(source_->EndedWithin(0ms), StreamEnd::kServerStopping);
}

TEST_F(ServerStreamTest, StopTellsAListeningClientWhyTheStreamEnds) {
  Serve();
  RawSocket client = OpenStream();
  ASSERT_TRUE(WaitFor([&] { return source_->Started(); }));
  server_->Get().Stop();
  const std::string received = client.ReadUntilClosed();
  EXPECT_NE(received.find(": bye"), std::string::npos) << received;
  EXPECT_NE(received.find("0\r\n\r\n"), std::string::npos) << received;
}

TEST_F(ServerStreamTest, AHeadRequestNeverStartsTheStreamButStopsIt) {
  Serve();
  CurlClient client;
  const auto result = client.Send("HEAD", server_->Url("/stream"));
  EXPECT_EQ(result.status, 200);
  EXPECT_FALSE(source_->Started());
  EXPECT_EQ(source_->EndedWithin(1s), StreamEnd::kComplete);
}

}  // namespace
}  // namespace nedlia::http
