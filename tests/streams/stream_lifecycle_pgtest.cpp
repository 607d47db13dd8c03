// How event streams end: a revoked key or a deleted advertiser, the caps, the lifetime, the
// heartbeat in silence, the server's Stop, and the hub going away.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/errors.hpp"
#include "support/event_hub_harness.hpp"

namespace nedlia::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kRevokedFarewell = ": nedlia: the API key was revoked\n\n";

/// The kind of app::Error that `open` throws (nullopt: none).
std::optional<app::ErrorKind> RefusalOf(const std::function<void()>& open) {
  try {
    open();
  } catch (const app::Error& error) {
    return error.Kind();
  }
  return std::nullopt;
}

class StreamLifecycleTest : public ::testing::Test {
 protected:
  /// Streams end within the key cache's TTL plus the hub's 1 s tick (and a loaded machine).
  static constexpr auto kServeKeyTtl = seconds(5);
  static constexpr auto kKeyTtl = seconds(2);
  static constexpr auto kRevocationBound = kKeyTtl + seconds(1) + seconds(2);

  EventHubHarness hub_;
};

TEST_F(StreamLifecycleTest, ARevokedKeyEndsItsStreamWithinFiveSecondsWithoutAnyEvent) {
  hub_.Start({}, kServeKeyTtl);  // as nedlia serve runs it
  const TestKey admin = hub_.NewKey();
  const TestKey other = hub_.NewKey();
  std::vector<std::unique_ptr<BodyDriver>> streams;
  for (int i = 0; i < 5; ++i) {
    streams.push_back(hub_.Open(admin));
    streams.push_back(hub_.Open(other));
  }
  streams.front()->TakeUntil("nedlia event stream");
  const auto revalidations_before = hub_.Counter("nedlia_api_key_revalidation_queries_total");
  hub_.Sql().Execute("UPDATE api_keys SET revoked_at = now() WHERE secret_hash = $1",
                     pg::Params(admin.hash));
  const Clock::time_point revoked = Clock::now();
  ASSERT_TRUE(streams.front()->TakeUntilEnd(seconds(15)));
  const auto took = Clock::now() - revoked;
  EXPECT_LT(took, kServeKeyTtl + seconds(1) + seconds(2)) << took / milliseconds(1) << " ms";
  EXPECT_TRUE(streams.front()->Received().ends_with(kRevokedFarewell));
  for (std::size_t i = 0; i < streams.size(); i += 2)
    EXPECT_TRUE(streams[i]->TakeUntilEnd(seconds(2))) << "admin stream " << i;
  EXPECT_FALSE(streams[1]->TakeUntilEnd(milliseconds(200))) << "the other key still holds";
  // One query a tick for all ten streams' keys, not one per stream.
  const auto seconds_taken = static_cast<std::uint64_t>(took / seconds(1));
  EXPECT_LE(hub_.Counter("nedlia_api_key_revalidation_queries_total") - revalidations_before,
            seconds_taken + 2);
}

TEST_F(StreamLifecycleTest, DeletingAnAdvertiserEndsItsKeysStreams) {
  hub_.Start({}, kKeyTtl);
  const std::string acme = hub_.NewAdvertiser("acme");
  const TestKey acme_key = hub_.NewKey(acme);
  auto stream = hub_.Open(acme_key);
  stream->TakeUntil("nedlia event stream");
  hub_.Sql().Execute("UPDATE advertisers SET deleted_at = now() WHERE id = $1", pg::Params(acme));
  const Clock::time_point deleted = Clock::now();
  ASSERT_TRUE(stream->TakeUntilEnd(seconds(15)));
  EXPECT_LT(Clock::now() - deleted, kRevocationBound);
  EXPECT_TRUE(stream->Received().ends_with(kRevokedFarewell));
}

TEST_F(StreamLifecycleTest, AKeyPastItsCapIsRefusedAndAProcessPastItsCapToo) {
  streams::EventHubOptions options;
  options.max_per_key = 2;
  options.max_open = 3;
  hub_.Start(options);
  const TestKey first = hub_.NewKey();
  const TestKey second = hub_.NewKey();
  auto a = hub_.Subscribe(first);
  auto b = hub_.Subscribe(first);
  EXPECT_EQ(RefusalOf([&] { hub_.Subscribe(first); }), app::ErrorKind::kTooManyRequests);
  auto c = hub_.Subscribe(second);
  EXPECT_EQ(RefusalOf([&] { hub_.Subscribe(second); }), app::ErrorKind::kUnavailable);
  // Closing one gives its slot back at once.
  a->Close();
  EXPECT_EQ(RefusalOf([&] { auto again = hub_.Subscribe(first); }), std::nullopt);
  EXPECT_EQ(hub_.Counter("nedlia_event_streams_refused_total", "cap=\"per_key\""), 1U);
  EXPECT_EQ(hub_.Counter("nedlia_event_streams_refused_total", "cap=\"process\""), 1U);
}

TEST_F(StreamLifecycleTest, AStreamEndsAtItsLifetimeAndSaysToReconnect) {
  streams::EventHubOptions options;
  options.lifetime = milliseconds(1500);
  options.tick = milliseconds(100);
  hub_.Start(options);
  const TestKey admin = hub_.NewKey();
  const Clock::time_point opened = Clock::now();
  auto stream = hub_.Open(admin);
  ASSERT_TRUE(stream->TakeUntilEnd(seconds(10)));
  EXPECT_GE(Clock::now() - opened, milliseconds(1500));
  EXPECT_TRUE(stream->Received().ends_with(
      ": nedlia: stream lifetime reached, reconnect with Last-Event-ID\n\n"));
  // The hub counts the ends it made after waking their streams, so the count may come a moment
  // after the client saw the end.
  EXPECT_TRUE(WaitFor([&] {
    return hub_.Counter("nedlia_event_streams_ended_total", "reason=\"lifetime\"") == 1U;
  }));
}

TEST_F(StreamLifecycleTest, ASilentStreamGetsHeartbeats) {
  streams::EventHubOptions options;
  options.heartbeat = milliseconds(300);
  options.tick = milliseconds(100);
  hub_.Start(options);
  auto stream = hub_.Open(hub_.NewKey());
  EXPECT_NE(stream->TakeUntil(": keep-alive\n\n", seconds(5)).find(": keep-alive\n\n"),
            std::string::npos);
}

TEST_F(StreamLifecycleTest, StopNeverBlocksAndNoWakeComesAfterIt) {
  streams::EventHubOptions options;
  options.max_per_key = 100;
  options.coalesce = milliseconds(0);
  hub_.Start(options);
  const TestKey admin = hub_.NewKey();
  std::vector<std::unique_ptr<BodyDriver>> streams;
  for (int i = 0; i < 30; ++i)
    streams.push_back(hub_.Open(admin));
  const auto witness = hub_.Open(admin);  // keeps the tail reading once the others stopped
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    pg::Connection sql = hub_.Database().Connect();
    while (writing) {
      sql.Execute(
          "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) "
          "VALUES ($1, 'test', gen_random_uuid(), '{}')",
          pg::Params(std::string(kStreamTestType)));
      sql.ExecuteScript("NOTIFY nedlia_events_numbered");
    }
  });
  ASSERT_TRUE(WaitFor([&] { return hub_.Counter("nedlia_event_stream_deliveries_total") > 100; }));
  const http::StreamEnd whys[] = {http::StreamEnd::kClientGone, http::StreamEnd::kTooSlow,
                                  http::StreamEnd::kServerStopping};
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const std::string farewell = streams[i]->Stop(whys[i % 3]);
    EXPECT_LT(streams[i]->StopTook(), milliseconds(50)) << "stream " << i;
    if (whys[i % 3] == http::StreamEnd::kTooSlow) {
      EXPECT_EQ(farewell, ": nedlia: too slow, reconnect with Last-Event-ID\n\n");
    } else if (whys[i % 3] == http::StreamEnd::kServerStopping) {
      EXPECT_EQ(farewell, ": nedlia: server stopping, reconnect with Last-Event-ID\n\n");
    }
  }
  // Events keep coming for a while: none of them may wake a stopped stream.
  const auto delivered = hub_.Counter("nedlia_event_stream_events_broadcast_total");
  EXPECT_TRUE(WaitFor(
      [&] { return hub_.Counter("nedlia_event_stream_events_broadcast_total") > delivered + 50; }));
  writing = false;
  writer.join();
  for (const auto& stream : streams)
    EXPECT_EQ(stream->WakesAfterStop(), 0);
}

TEST_F(StreamLifecycleTest, TheHubStopsAtOnceWithStuckSubscribersAndTellsThemWhy) {
  streams::EventHubOptions options;
  options.max_per_key = 100;
  options.queue_bytes = 64 * 1024;
  hub_.Start(options);
  const TestKey admin = hub_.NewKey();
  hub_.Append(2000, std::nullopt, kStreamTestType, 100);  // far more than their queues hold
  std::vector<std::unique_ptr<BodyDriver>> streams;
  for (int i = 0; i < 20; ++i)
    streams.push_back(hub_.Open(admin));  // none of them ever takes
  // One read fills all their queues (they share it): then the catch-up reader waits on them.
  ASSERT_TRUE(
      WaitFor([&] { return hub_.Counter("nedlia_event_stream_catch_up_queries_total") >= 1; }));
  const Clock::time_point stopping = Clock::now();
  hub_.StopHub();
  EXPECT_LT(Clock::now() - stopping, seconds(2));
  for (const auto& stream : streams) {
    ASSERT_TRUE(stream->TakeUntilEnd(seconds(1)));
    EXPECT_TRUE(stream->Received().ends_with(
        ": nedlia: server stopping, reconnect with Last-Event-ID\n\n"));
  }
}

}  // namespace
}  // namespace nedlia::testing
