// The event hub's fan-out: one reader of new events whatever the number of subscribers, catch-up
// and join without gap or duplicate, and what happens to a subscriber that stops reading.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/event_hub_harness.hpp"

namespace nedlia::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kTailQueries = "nedlia_event_stream_tail_queries_total";
constexpr const char* kTooSlowFarewell = ": nedlia: too slow, reconnect with Last-Event-ID\n\n";

/// Takes from `driver` until it received `count` events (or 60 s); returns their ids.
std::vector<std::string> TakeEvents(BodyDriver& driver, std::size_t count) {
  driver.TakeUntil([count](const std::string& text) { return SseIds(text).size() >= count; },
                   seconds(60));
  return SseIds(driver.Received());
}

class EventHubTest : public ::testing::Test {
 protected:
  EventHubHarness hub_;
};

TEST_F(EventHubTest, OneTailReaderServesEverySubscriberWithTheSameQueries) {
  streams::EventHubOptions options;
  options.max_per_key = 100;
  options.poll = milliseconds(200);
  hub_.Start(options);
  const TestKey admin = hub_.NewKey();
  hub_.Append(1);
  const app::LogPosition start = hub_.LastFinal(1);
  std::vector<std::unique_ptr<BodyDriver>> streams;
  for (int i = 0; i < 40; ++i)
    streams.push_back(hub_.Open(admin, {.after = start}));
  ASSERT_TRUE(WaitFor([&] { return hub_.Counter(kTailQueries) > 0; }));  // the tail is up
  const std::uint64_t before = hub_.Counter(kTailQueries);
  const auto began = std::chrono::steady_clock::now();
  constexpr int kBatches = 10;
  for (int batch = 1; batch <= kBatches; ++batch) {
    hub_.Append(5);
    ASSERT_EQ(TakeEvents(*streams.front(), 5U * batch).size(), 5U * batch);
  }
  const auto elapsed = std::chrono::steady_clock::now() - began;
  const std::uint64_t queries = hub_.Counter(kTailQueries) - before;
  // A read or two per commit, plus the 200 ms fallback poll: nothing per subscriber (40
  // subscribers polling would have made hundreds).
  const auto polls = static_cast<std::uint64_t>(elapsed / milliseconds(200));
  EXPECT_LE(queries, 2U * kBatches + polls + 2) << "over " << elapsed / milliseconds(1) << " ms";
  const std::vector<std::string> log = hub_.FinalLog(5U * kBatches, admin, {.after = start});
  for (const auto& stream : streams)
    EXPECT_EQ(TakeEvents(*stream, log.size()), log);
}

TEST_F(EventHubTest, WithNoSubscriberTheTailQueriesNothing) {
  streams::EventHubOptions options;
  options.poll = milliseconds(100);
  hub_.Start(options);
  const TestKey admin = hub_.NewKey();
  hub_.Append(3);
  EXPECT_FALSE(WaitFor([&] { return hub_.Counter(kTailQueries) > 0; }, milliseconds(1500)));
  {
    auto stream = hub_.Open(admin);
    EXPECT_EQ(TakeEvents(*stream, 3).size(), 3U);
    // The stream's catch-up may deliver those before the tail, woken by the new subscriber,
    // counts its first query.
    EXPECT_TRUE(WaitFor([&] { return hub_.Counter(kTailQueries) > 0; }));
  }
  // The stream is gone: at most a read already under way, then silence, commits or not.
  const std::uint64_t after_close = hub_.Counter(kTailQueries);
  hub_.Append(3);
  EXPECT_FALSE(
      WaitFor([&] { return hub_.Counter(kTailQueries) > after_close + 1; }, milliseconds(1500)));
}

/// Reads a stream as an EventSource does until it has `target` events (or 60 s): when the hub
/// drops it as too slow (a reader thread may lag that much on a loaded machine), it connects
/// again after the last id it received. Returns the ids received over all its connections.
std::vector<std::string> ReadAsEventSource(EventHubHarness& hub, const TestKey& key,
                                           StreamFilter filter, std::unique_ptr<BodyDriver> stream,
                                           const std::atomic<std::size_t>& target) {
  std::vector<std::string> earlier;  // of the connections dropped
  const auto enough = [&](const std::string& text) {
    return earlier.size() + SseIds(text).size() >= target;
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (!enough(stream->Received()) && std::chrono::steady_clock::now() < deadline) {
    stream->TakeUntil(enough, milliseconds(100));
    if (stream->Ended() && stream->Received().ends_with(kTooSlowFarewell)) {
      const std::vector<std::string> ids = SseIds(stream->Received());
      earlier.insert(earlier.end(), ids.begin(), ids.end());
      if (!earlier.empty())
        filter.after = app::LogPosition::Parse(earlier.back());
      stream = hub.Open(key, filter);
    }
  }
  const std::vector<std::string> ids = SseIds(stream->Received());
  earlier.insert(earlier.end(), ids.begin(), ids.end());
  return earlier;
}

/// Subscribers of every kind start from the log's start while events keep being committed:
/// each receives exactly the log as its key and filter see it, in order, once.
void ExpectCatchUpAndJoinWithoutGapOrDuplicate(EventHubHarness& hub,
                                               const streams::EventHubOptions& options) {
  hub.Start(options);
  const std::string acme = hub.NewAdvertiser("acme");
  const std::string globex = hub.NewAdvertiser("globex");
  const std::string other_type = std::string(kStreamTestType) + ".other";
  auto append_mixed = [&](int count) {
    hub.Append(count, acme);
    hub.Append(count, globex, other_type);
    hub.Append(count, std::nullopt, other_type);
  };
  append_mixed(200);  // a backlog: several catch-up pages each
  const TestKey admin = hub.NewKey();
  const TestKey acme_key = hub.NewKey(acme);
  const TestKey globex_key = hub.NewKey(globex);
  const std::vector<std::pair<TestKey, StreamFilter>> kinds = {
      {admin, {}}, {admin, {.types = {other_type}}}, {acme_key, {}}, {globex_key, {}}};
  std::vector<std::unique_ptr<BodyDriver>> streams;
  for (const auto& [key, filter] : kinds)
    streams.push_back(hub.Open(key, filter));
  // Commits during catch-up and join, read by the subscribers as they come; each reader stops
  // at its own log's size once that is known.
  std::vector<std::atomic<std::size_t>> targets(kinds.size());
  std::vector<std::vector<std::string>> received(kinds.size());
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    targets[i] = SIZE_MAX;
    readers.emplace_back([&, i] {
      received[i] = ReadAsEventSource(hub, kinds[i].first, kinds[i].second, std::move(streams[i]),
                                      targets[i]);
    });
  }
  for (int round = 0; round < 30; ++round)
    append_mixed(10);
  hub.LastFinal(3 * 200 + 30 * 3 * 10);
  std::vector<std::vector<std::string>> logs;
  for (const auto& [key, filter] : kinds)
    logs.push_back(hub.FinalLog(0, key, filter));
  for (std::size_t i = 0; i < kinds.size(); ++i)
    targets[i] = logs[i].size();
  for (std::thread& reader : readers)
    reader.join();
  EXPECT_EQ(logs[0].size(), 3U * (200 + 30 * 10));
  for (std::size_t i = 0; i < kinds.size(); ++i)
    EXPECT_EQ(received[i], logs[i]) << "subscriber " << i;
}

TEST_F(EventHubTest, EventsCommittedDuringCatchUpAndJoinArriveOnceInOrder) {
  streams::EventHubOptions options;
  options.page_events = 70;
  options.queue_bytes = 32 * 1024;  // catching up takes many turns
  ExpectCatchUpAndJoinWithoutGapOrDuplicate(hub_, options);
}

TEST_F(EventHubTest, ARingThatEvictsWhileSubscribersCatchUpLosesNothing) {
  streams::EventHubOptions options;
  options.page_events = 70;
  options.queue_bytes = 32 * 1024;
  options.ring = {.ring_events = 8, .ring_bytes = 4096, .page_bytes = 8192};
  ExpectCatchUpAndJoinWithoutGapOrDuplicate(hub_, options);
}

TEST_F(EventHubTest, ASubscriberThatStopsTakingIsDroppedAndResumesWithoutGapOrDuplicate) {
  streams::EventHubOptions options;
  options.queue_bytes = 4096;
  hub_.Start(options);
  const TestKey admin = hub_.NewKey();
  hub_.Append(3, std::nullopt, kStreamTestType, 200);
  auto stream = hub_.Open(admin);
  ASSERT_EQ(TakeEvents(*stream, 3).size(), 3U);
  // Until an event reaches it from the tail, it may still be catching up (where a full queue
  // only makes it wait). The client reads each probe: probes left in its queue would fill it
  // (a slow machine takes several before the tail's first delivery) and end it too early.
  std::size_t appended = 3;
  ASSERT_TRUE(WaitFor([&] {
    hub_.Append(1, std::nullopt, kStreamTestType, 200);
    ++appended;
    return TakeEvents(*stream, appended).size() == appended &&
           hub_.Counter("nedlia_event_stream_deliveries_total") > 0;
  }));
  // The client stops reading while 100 events of 200 bytes (far more than 4 KiB) come.
  hub_.Append(100, std::nullopt, kStreamTestType, 200);
  ASSERT_TRUE(WaitFor([&] {
    return hub_.Counter("nedlia_event_streams_ended_total", "reason=\"too_slow\"") == 1;
  }));
  ASSERT_TRUE(stream->TakeUntilEnd());
  EXPECT_TRUE(stream->Received().ends_with(kTooSlowFarewell))
      << stream->Received().substr(stream->Received().size() - 200);
  const std::vector<std::string> first = SseIds(stream->Received());
  // It reconnects with the last id it received, as an EventSource does.
  auto resumed = hub_.Open(admin, {.after = app::LogPosition::Parse(first.back())});
  const std::vector<std::string> log = hub_.FinalLog(appended + 100, admin);
  std::vector<std::string> both = first;
  const std::vector<std::string> rest = TakeEvents(*resumed, log.size() - first.size());
  both.insert(both.end(), rest.begin(), rest.end());
  EXPECT_EQ(both, log);
}

TEST_F(EventHubTest, ACrowdCatchingUpCostsOneConnection) {
  streams::EventHubOptions options;
  options.max_per_key = 100;
  options.page_events = 50;
  hub_.Start(options);
  hub_.Append(1500);
  const TestKey admin = hub_.NewKey();
  const std::size_t total = hub_.FinalLog(1500, admin).size();
  std::vector<std::unique_ptr<BodyDriver>> streams;
  for (int i = 0; i < 30; ++i)
    streams.push_back(hub_.Open(admin));
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> most = 0;
  std::thread watcher([&] {
    pg::Connection watch = hub_.Database().Connect();
    while (!done) {
      const auto backends = watch
                                .Execute(
                                    "SELECT count(*) FROM pg_stat_activity "
                                    "WHERE datname = current_database() "
                                    "AND pid <> pg_backend_pid()")
                                .Single()[0]
                                .As<std::int64_t>();
      most = std::max(most.load(), backends);
      std::this_thread::sleep_for(milliseconds(5));  // sampling, not synchronising
    }
  });
  for (const auto& stream : streams)
    EXPECT_EQ(TakeEvents(*stream, total).size(), total);
  done = true;
  watcher.join();
  // The tail, its LISTEN, the catch-up reader, the key cache's pool (2) and the harness's own.
  EXPECT_LE(most.load(), 6);
  // They started together, so they share their pages: a read serves them all.
  EXPECT_LE(hub_.Counter("nedlia_event_stream_catch_up_queries_total"), 3U * 1500 / 50);
}

}  // namespace
}  // namespace nedlia::testing
