// The fanout's join rules, driven step by step in the orders that threads can produce: the
// catch-up reader ahead of the tail, the ring evicting a catching-up subscriber's cursor, a
// subscriber waiting for the ring, missed events beyond a queue. Keys are real (a real key cache
// over a real database); events are made up, since only their positions matter here.
#include <gtest/gtest.h>

#include <limits>

#include "app/api_keys.hpp"
#include "pg/pool.hpp"
#include "repositories/pg_database.hpp"
#include "streams/fanout.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

using streams::Fanout;
using streams::SharedEvent;
using streams::Subscriber;

/// The transaction numbered like its xid, for short.
app::LogPosition At(std::uint64_t xid, std::int64_t position) {
  return {.transaction_id = xid, .position = position, .sequence = static_cast<std::int64_t>(xid)};
}

/// Past every transaction below `xid`.
app::LogPosition Below(std::uint64_t xid) {
  return app::LogPosition::Through(static_cast<std::int64_t>(xid) - 1, xid - 1);
}

/// An event at `at` whose message is its position (and padding up to `bytes`).
SharedEvent Event(app::LogPosition at, std::size_t bytes = 0) {
  std::string message = at.ToString() + "\n";
  if (message.size() < bytes)
    message.append(bytes - message.size(), '.');
  return {.at = at,
          .type = "com.nedlia.test.v1",
          .advertiser_id = std::nullopt,
          .message = std::make_shared<const std::string>(message)};
}

class FanoutTest : public ::testing::Test {
 protected:
  explicit FanoutTest(Fanout::Limits limits = {})
      : pool_({.url = database_.Url(), .max_size = 1}),
        store_(pool_, {.environment = "test", .platform_version = "test"}),
        keys_(store_, {}, registry_),
        metrics_(registry_),
        slots_(100, 100, metrics_),
        fanout_(limits, slots_, keys_, metrics_) {
    store_.Write(app::CallContext{}, [&](app::Transaction& tx) {
      const app::IssuedKey issued = app::CreateApiKey(tx, app::Role::kAdmin, std::nullopt, "k");
      key_hash_ = app::HashSecret(issued.secret);
    });
    caller_ = *keys_.Lookup(key_hash_);
  }

  std::shared_ptr<Subscriber> NewSubscriber(app::LogPosition cursor,
                                            std::size_t queue_bytes = std::size_t{1} << 20) {
    return std::make_shared<Subscriber>(
        Subscriber::Profile{.key_hash = key_hash_,
                            .caller = caller_,
                            .filter = {},
                            .ends = Subscriber::Clock::now() + std::chrono::hours(1),
                            .queue_bytes = queue_bytes},
        cursor);
  }

  /// The positions of what `subscriber` has queued, taken out.
  static std::vector<std::string> Take(Subscriber& subscriber) {
    std::vector<std::string> positions;
    for (const auto& message : subscriber.Take().events)
      positions.push_back(message->substr(0, message->find('\n')));
    return positions;
  }

  /// Whatever is ready for the catch-up reader without waiting (serving the ring on the way).
  std::shared_ptr<Subscriber> NextToCatchUp() {
    std::stop_source stopped;
    stopped.request_stop();
    return fanout_.NextToCatchUp(stopped.get_token());
  }

  TestDatabase database_;
  metrics::Registry registry_;
  pg::Pool pool_;
  repositories::PgDatabase store_;
  app::ApiKeyCache keys_;
  streams::HubMetrics metrics_;
  streams::StreamSlots slots_;
  Fanout fanout_;
  std::string key_hash_;
  app::Principal caller_;
};

TEST_F(FanoutTest, ACatchUpProvenPastTheTailGetsNothingTwiceFromIt) {
  fanout_.Resync(Below(11));
  const auto subscriber = NewSubscriber({});
  fanout_.Admit(subscriber);
  ASSERT_EQ(NextToCatchUp(), subscriber);  // behind the ring: it needs the database
  // The catch-up reader saw the log up to horizon 13 before the tail did.
  fanout_.DeliverCatchUp(subscriber,
                         {.after = {},
                          .events = {Event(At(5, 1)), Event(At(11, 1)), Event(At(12, 1))},
                          .proven = Below(13)});
  EXPECT_EQ(Take(*subscriber), (std::vector<std::string>{"5-1", "11-1", "12-1"}));
  fanout_.Publish({Event(At(11, 1)), Event(At(12, 1)), Event(At(13, 1))}, Below(14));
  EXPECT_EQ(Take(*subscriber), (std::vector<std::string>{"13-1"}));
}

TEST_F(FanoutTest, ACatchUpPageThatIsFullProvesNothingBeyondItsLastEvent) {
  fanout_.Resync(Below(3));
  fanout_.Publish({Event(At(3, 1)), Event(At(4, 1))}, Below(5));
  const auto subscriber = NewSubscriber({});
  fanout_.Admit(subscriber);
  ASSERT_EQ(NextToCatchUp(), subscriber);
  fanout_.DeliverCatchUp(subscriber,
                         {.after = {}, .events = {Event(At(1, 1))}, .proven = std::nullopt});
  EXPECT_EQ(Take(*subscriber), (std::vector<std::string>{"1-1"}));
  EXPECT_EQ(NextToCatchUp(), subscriber) << "events at 2 may exist: it must read again";
  fanout_.DeliverCatchUp(subscriber,
                         {.after = At(1, 1), .events = {Event(At(2, 1))}, .proven = Below(3)});
  EXPECT_EQ(Take(*subscriber), (std::vector<std::string>{"2-1", "3-1", "4-1"}));
}

TEST_F(FanoutTest, AProvenSubscriberWaitsForTheRingAndJoinsWhenItSyncs) {
  const auto subscriber = NewSubscriber({});
  fanout_.Admit(subscriber);  // the tail has not synced the ring yet
  ASSERT_EQ(NextToCatchUp(), subscriber);
  fanout_.DeliverCatchUp(subscriber,
                         {.after = {}, .events = {Event(At(1, 1))}, .proven = Below(4)});
  EXPECT_EQ(NextToCatchUp(), nullptr) << "another page would prove nothing new";
  fanout_.Resync(Below(4));
  fanout_.Publish({Event(At(4, 1))}, Below(5));
  EXPECT_EQ(Take(*subscriber), (std::vector<std::string>{"1-1", "4-1"}));
}

TEST_F(FanoutTest, ACrowdAtOneCursorIsCaughtUpByOneRead) {
  fanout_.Resync(Below(3));
  const std::vector<std::shared_ptr<Subscriber>> crowd = {
      NewSubscriber(At(1, 1)), NewSubscriber(At(1, 1)), NewSubscriber(At(1, 2))};
  const auto behind = NewSubscriber(At(1, 0));
  for (const auto& subscriber : crowd)
    fanout_.Admit(subscriber);
  fanout_.Admit(behind);
  ASSERT_EQ(NextToCatchUp(), crowd[0]);
  fanout_.DeliverCatchUp(
      crowd[0],
      {.after = At(1, 1), .events = {Event(At(1, 2)), Event(At(2, 1))}, .proven = Below(3)});
  // The others at or after its cursor are live too; the one behind still needs a read.
  EXPECT_EQ(NextToCatchUp(), behind);
  EXPECT_EQ(NextToCatchUp(), nullptr);
  fanout_.Publish({Event(At(3, 1))}, Below(4));
  EXPECT_EQ(Take(*crowd[1]), (std::vector<std::string>{"1-2", "2-1", "3-1"}));
  EXPECT_EQ(Take(*crowd[2]), (std::vector<std::string>{"2-1", "3-1"}));
  EXPECT_EQ(Take(*behind), std::vector<std::string>{});
}

class SmallRingFanoutTest : public FanoutTest {
 protected:
  SmallRingFanoutTest() : FanoutTest({.ring_events = 2, .ring_bytes = 1 << 20, .page_bytes = 1}) {}
};

TEST_F(SmallRingFanoutTest, ASubscriberWhoseCursorTheRingEvictedReadsTheDatabaseAgain) {
  fanout_.Resync(Below(1));
  const auto subscriber = NewSubscriber(Below(1));
  fanout_.Admit(subscriber);
  ASSERT_EQ(NextToCatchUp(), nullptr) << "at the ring's floor: live at once";
  const auto late = NewSubscriber({});
  fanout_.Admit(late);
  ASSERT_EQ(NextToCatchUp(), late);
  // While the late one's page is read, three events pass and the ring keeps only two.
  fanout_.Publish({Event(At(1, 1)), Event(At(2, 1)), Event(At(3, 1))}, Below(4));
  fanout_.DeliverCatchUp(late, {.after = {}, .events = {}, .proven = Below(1)});
  EXPECT_EQ(NextToCatchUp(), late) << "event 1 is no longer in the ring";
  fanout_.DeliverCatchUp(late,
                         {.after = Below(1), .events = {Event(At(1, 1))}, .proven = std::nullopt});
  fanout_.Publish({Event(At(4, 1))}, Below(5));
  const std::vector<std::string> all = {"1-1", "2-1", "3-1", "4-1"};
  EXPECT_EQ(Take(*late), all);
  EXPECT_EQ(Take(*subscriber), all);
}

TEST_F(FanoutTest, MissedEventsBeyondTheQueueAreServedInTurnsThenLive) {
  fanout_.Resync(Below(1));
  std::vector<SharedEvent> burst;
  for (std::uint64_t xid = 1; xid <= 10; ++xid)
    burst.push_back(Event(At(xid, 1), 100));
  fanout_.Publish(std::move(burst), Below(11));
  const auto subscriber = NewSubscriber(Below(1), 350);
  fanout_.Admit(subscriber);
  std::vector<std::string> received = Take(*subscriber);
  EXPECT_EQ(received.size(), 3U) << "what fits its queue";
  for (int turn = 0; turn < 5 && received.size() < 10; ++turn) {
    EXPECT_EQ(NextToCatchUp(), nullptr) << "served from the ring, not the database";
    const std::vector<std::string> more = Take(*subscriber);
    received.insert(received.end(), more.begin(), more.end());
  }
  fanout_.Publish({Event(At(11, 1))}, Below(12));
  const std::vector<std::string> live = Take(*subscriber);
  received.insert(received.end(), live.begin(), live.end());
  std::vector<std::string> expected;
  for (int xid = 1; xid <= 11; ++xid)
    expected.push_back(std::to_string(xid) + "-1");
  EXPECT_EQ(received, expected);
}

TEST_F(FanoutTest, ALiveSubscriberWhoseKeyTheCacheKnowsRevokedGetsNoMoreEvents) {
  fanout_.Resync(Below(1));
  const auto subscriber = NewSubscriber(Below(1));
  fanout_.Admit(subscriber);
  fanout_.Publish({Event(At(1, 1))}, Below(2));
  pg::Connection sql = database_.Connect();
  sql.Execute("UPDATE api_keys SET revoked_at = now() WHERE secret_hash = $1",
              pg::Params(key_hash_));
  keys_.Revalidate({key_hash_});  // the cache entry is fresh: nothing asked
  fanout_.Publish({Event(At(2, 1))}, Below(3));
  EXPECT_EQ(Take(*subscriber), (std::vector<std::string>{"1-1", "2-1"}));
  app::ApiKeyCache fresh(store_, {.ttl = std::chrono::milliseconds(0)}, registry_);
  ASSERT_EQ(fresh.Lookup(key_hash_), std::nullopt);
  Fanout gated({}, slots_, fresh, metrics_);
  gated.Resync(Below(3));
  const auto other = NewSubscriber(Below(3));
  gated.Admit(other);
  gated.Publish({Event(At(3, 1))}, Below(4));
  const app::StreamBatch batch = other->Take();
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(batch.closing, app::StreamClosing::kKeyRevoked);
}

}  // namespace
}  // namespace nedlia::testing
