// Durable subscriptions against a real PostgreSQL: order, no skips when transactions commit out
// of order, retries and dead letters, effects that commit with the position, competing
// processes.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>

#include "consumers/consumer.hpp"
#include "consumers/subscription_rows.hpp"
#include "metrics/registry.hpp"
#include "pg/errors.hpp"
#include "support/delivery_helpers.hpp"
#include "support/event_log_rows.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

constexpr const char* kType = "com.nedlia.test.happened.v1";

class ConsumerTest : public ::testing::Test {
 protected:
  /// Appends an event (on `connection`, inside whatever transaction it has open); returns its id.
  static std::string Append(pg::Connection& connection, const std::string& label,
                            const std::string& aggregate = "") {
    return connection
        .Execute(
            "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata) "
            "VALUES ($1, 'test', COALESCE($2::uuid, gen_random_uuid()), "
            "jsonb_build_object('label', $3::text), '{\"source\": \"/tests\"}') RETURNING id",
            pg::Params(kType,
                       aggregate.empty() ? std::optional<std::string>()
                                         : std::optional<std::string>(aggregate),
                       label))
        .Single()[0]
        .As<std::string>();
  }

  std::string Append(const std::string& label, const std::string& aggregate = "") {
    return Append(sql_, label, aggregate);
  }

  consumers::ConsumerOptions Options(int partitions = 1) {
    return {.name = "test-consumer", .types = {kType}, .partitions = partitions};
  }

  std::vector<std::string> LogOrder() { return EventIdsInLogOrder(sql_); }

  std::int64_t Count(const std::string& query) {
    return sql_.Execute(query).Single()[0].As<std::int64_t>();
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  pg::Pool pool_{{.url = database_.Url(), .max_size = 4}};
  std::vector<std::string> handled_;
  consumers::EventHandler record_ = [this](const events::StoredEvent& event, pg::Connection&) {
    handled_.push_back(event.id.ToString());
  };
};

TEST_F(ConsumerTest, DeliversInLogOrderAndNeverSkipsAnEventThatCommitsLate) {
  consumers::Consumer consumer(pool_, Options(), record_);
  consumer.Subscribe();
  const std::string before = Append("before");
  RunUntil(consumer, [&](int) { return handled_.size() >= 1; });

  // A long transaction A writes first (its id is the oldest), then short ones commit while it
  // is open; then a second long one B starts, more short ones commit, and A and B commit last.
  pg::Connection long_a = database_.Connect();
  long_a.ExecuteScript("BEGIN");
  Append(long_a, "a1");
  for (int i = 0; i < 5; ++i) {
    Append("short " + std::to_string(i));
    consumer.RunOnce();
  }
  EXPECT_EQ(handled_, std::vector<std::string>{before});  // nothing past A while it runs
  pg::Connection long_b = database_.Connect();
  long_b.ExecuteScript("BEGIN");
  Append(long_b, "b1");
  for (int i = 5; i < 10; ++i) {
    Append("short " + std::to_string(i));
    consumer.RunOnce();
  }
  Append(long_a, "a2");  // written after most short ones, ordered with A's first
  long_a.ExecuteScript("COMMIT");
  RunUntil(consumer, [&](int) { return handled_.size() >= 8; });
  consumer.RunOnce();
  // A's events and the short ones from before B: B still holds the rest back.
  EXPECT_EQ(handled_.size(), 1U + 2U + 5U);
  Append(long_b, "b2");
  long_b.ExecuteScript("COMMIT");
  RunUntil(consumer, [&](int) { return handled_.size() >= 15; });

  EXPECT_EQ(handled_, LogOrder());
  EXPECT_EQ(handled_.size(), 15U);
  EXPECT_EQ(std::set<std::string>(handled_.begin(), handled_.end()).size(), handled_.size());
}

TEST_F(ConsumerTest, AConsumerOfRareTypesMovesPastOtherEventsButNeverPastAnOpenTransaction) {
  consumers::Consumer consumer(pool_, Options(2), record_);
  consumer.Subscribe();
  pg::Connection open = database_.Connect();
  open.ExecuteScript("BEGIN");
  const std::string late = Append(open, "late");  // its transaction id is older than the rest
  const auto append_other = [&] {
    sql_.Execute(
        "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) "
        "VALUES ('com.nedlia.test.other.v1', 'test', gen_random_uuid(), '{}')");
  };
  for (int i = 0; i < 150; ++i)
    append_other();  // a transaction each
  consumer.RunOnce();
  open.ExecuteScript("COMMIT");
  RunUntil(consumer, [&](int) { return !handled_.empty(); });
  EXPECT_EQ(handled_, std::vector<std::string>{late});

  // Every partition now stands past the other events, instead of reading them again at each
  // pass (once the cluster's oldest running transaction, which other tests' may hold back, is
  // past them), and a pass with little new writes nothing.
  const std::string past_other_events =
      "SELECT count(*) FROM event_subscriptions WHERE consumer = 'test-consumer' AND "
      "last_transaction_id >= (SELECT max(transaction_id) FROM event_log "
      "                        WHERE event_type = 'com.nedlia.test.other.v1')";
  RunUntil(consumer, [&](int) { return Count(past_other_events) == 2; });
  EXPECT_EQ(Count(past_other_events), 2);
  const std::string saved =
      "SELECT string_agg(xmin::text, ',' ORDER BY partition) "
      "FROM event_subscriptions WHERE consumer = 'test-consumer'";
  bool a_pass_wrote_nothing = false;
  for (int attempt = 0; attempt < 5 && !a_pass_wrote_nothing; ++attempt) {
    const std::string before = sql_.Execute(saved).Single()[0].As<std::string>();
    consumer.RunOnce();
    a_pass_wrote_nothing = sql_.Execute(saved).Single()[0].As<std::string>() == before;
  }
  EXPECT_TRUE(a_pass_wrote_nothing);

  const std::string next = Append("next");
  RunUntil(consumer, [&](int) { return handled_.size() >= 2; });
  EXPECT_EQ(handled_, (std::vector<std::string>{late, next}));
}

TEST_F(ConsumerTest, AFailingEventBlocksItsPartitionUntilItsRetryThenBecomesADeadLetter) {
  const std::string bad = Append("bad");
  const std::string after = Append("after");
  int attempts = 0;
  auto options = Options();
  options.max_attempts = 3;
  options.first_retry = std::chrono::milliseconds(1000);
  consumers::Consumer consumer(
      pool_, options, [&](const events::StoredEvent& event, pg::Connection& connection) {
        if (event.id.ToString() == bad) {
          ++attempts;
          // Its effects must vanish with the failure.
          connection.Execute("CREATE TABLE IF NOT EXISTS leftovers (n int)");
          throw std::runtime_error("the handler refused");
        }
        handled_.push_back(event.id.ToString());
      });
  consumer.Subscribe();

  EXPECT_EQ(RunUntil(consumer, [&](int) { return attempts >= 1; }), 0);
  const auto failed_at = std::chrono::steady_clock::now();
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(consumer.RunOnce(), 0);  // not due yet (500 ms at least): the next event waits
  ASSERT_LT(std::chrono::steady_clock::now() - failed_at, std::chrono::milliseconds(500))
      << "the machine is too slow for this check";
  EXPECT_EQ(attempts, 1);
  EXPECT_TRUE(handled_.empty());
  EXPECT_EQ(Count("SELECT count(*) FROM pg_tables WHERE tablename = 'leftovers'"), 0);
  EXPECT_EQ(sql_.Execute("SELECT last_error FROM event_subscriptions WHERE consumer = "
                         "'test-consumer'")
                .Single()[0]
                .As<std::string>(),
            "the handler refused");

  // Backoff: 500-1000 ms before the second attempt, 1000-2000 ms before the third.
  const auto start = std::chrono::steady_clock::now();
  WaitFor(
      [&] {
        consumer.RunOnce();
        return attempts >= 3;
      },
      std::chrono::seconds(10));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(attempts, 3);
  EXPECT_GE(waited, std::chrono::milliseconds(500 + 1000 - 100));
  RunUntil(consumer, [&](int) { return !handled_.empty(); });
  EXPECT_EQ(handled_, std::vector<std::string>{after});  // the partition moved on
  const pg::Row letter = sql_.Execute(
                                 "SELECT event_id::text, attempts, last_error, event_type FROM "
                                 "event_dead_letters WHERE consumer = 'test-consumer'")
                             .Single();
  EXPECT_EQ(letter[0].As<std::string>(), bad);
  EXPECT_EQ(letter[1].As<std::int32_t>(), 3);
  EXPECT_EQ(letter[2].As<std::string>(), "the handler refused");
  EXPECT_EQ(letter[3].As<std::string>(), kType);
}

// nedlia_consumer_events_*_total{consumer}: what committed, per consumer, for alerts on dead
// letters rising and consumers stalled.
TEST_F(ConsumerTest, CountsHandledRetriedAndDeadLetteredEventsOnceCommitted) {
  const auto counter = [](const char* name) -> metrics::Counter& {
    return metrics::Registry::Process().GetCounter(name, "",
                                                   metrics::Label("consumer", "counted-consumer"));
  };
  metrics::Counter& handled = counter("nedlia_consumer_events_handled_total");
  metrics::Counter& retried = counter("nedlia_consumer_events_retried_total");
  metrics::Counter& dead = counter("nedlia_consumer_events_dead_lettered_total");
  const std::uint64_t handled_before = handled.Value();
  const std::uint64_t retried_before = retried.Value();
  const std::uint64_t dead_before = dead.Value();
  const std::string bad = Append("bad");
  Append("good 1");
  Append("good 2");
  auto options = Options();
  options.name = "counted-consumer";
  options.max_attempts = 2;
  options.first_retry = std::chrono::milliseconds(1);
  consumers::Consumer consumer(pool_, options,
                               [&](const events::StoredEvent& event, pg::Connection&) {
                                 if (event.id.ToString() == bad)
                                   throw std::runtime_error("refused");
                               });
  consumer.Subscribe();
  ASSERT_TRUE(WaitFor([&] {
    consumer.RunOnce();
    return handled.Value() - handled_before == 2;
  }));
  EXPECT_EQ(retried.Value() - retried_before, 1);  // the first attempt; the second is final
  EXPECT_EQ(dead.Value() - dead_before, 1);
  EXPECT_NE(metrics::Registry::Process().Render().find(
                "nedlia_consumer_events_dead_lettered_total{consumer=\"counted-consumer\"}"),
            std::string::npos);
}

TEST_F(ConsumerTest, HandlerEffectsCommitWithThePositionAndRedeliveriesAreSkipped) {
  sql_.ExecuteScript("CREATE TABLE effects (event_id uuid PRIMARY KEY)");
  int calls = 0;
  consumers::Consumer consumer(
      pool_, Options(2), [&](const events::StoredEvent& event, pg::Connection& connection) {
        ++calls;
        connection.Execute("INSERT INTO effects VALUES ($1)", pg::Params(event.id));
      });
  consumer.Subscribe();
  for (int i = 0; i < 10; ++i)
    Append("e" + std::to_string(i));
  RunUntil(consumer, [&](int) { return calls >= 10; });
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), 10);
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events WHERE consumer = 'test-consumer'"), 10);
  EXPECT_EQ(Count("SELECT sum(handled_count) FROM event_subscriptions"), 10);

  // A redelivery (the position moved back) finds every event processed: no effect twice.
  sql_.ExecuteScript("UPDATE event_subscriptions SET last_transaction_id = '0', last_position = 0");
  EXPECT_EQ(RunUntil(consumer, [](int moved) { return moved >= 10; }), 10);
  EXPECT_EQ(calls, 10);
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), 10);
}

TEST_F(ConsumerTest, CompetingProcessesNeverHandleOneEventTwiceOrAtOnceAndDropNone) {
  sql_.ExecuteScript("CREATE TABLE effects (event_id uuid PRIMARY KEY)");
  constexpr int kEvents = 300;
  std::mutex mutex;
  std::set<std::string> in_flight;
  std::atomic<int> overlaps = 0;
  auto handler = [&](const events::StoredEvent& event, pg::Connection& connection) {
    const std::string id = event.id.ToString();
    {
      std::lock_guard lock(mutex);
      if (!in_flight.insert(id).second)
        ++overlaps;
    }
    // Not synchronisation: a handling that takes a while, so that two at once would overlap.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    // A second handling of one event would break this primary key.
    connection.Execute("INSERT INTO effects VALUES ($1)", pg::Params(event.id));
    std::lock_guard lock(mutex);
    in_flight.erase(id);
  };
  std::vector<std::string> aggregates;
  for (int i = 0; i < 20; ++i)
    aggregates.push_back(
        sql_.Execute("SELECT gen_random_uuid()::text").Single()[0].As<std::string>());
  for (int i = 0; i < kEvents; ++i)
    Append("e" + std::to_string(i), aggregates[static_cast<std::size_t>(i) % aggregates.size()]);

  // Each thread runs the consumer as a worker process does (cli/workers.cpp).
  auto work = [&](std::stop_token stop) {
    pg::Pool pool({.url = database_.Url(), .max_size = 2});
    auto options = Options(4);
    options.batch_size = 10;
    consumers::Consumer consumer(pool, options, handler);
    consumer.Subscribe();
    consumers::Wakeup wakeup(database_.Url());
    const std::stop_callback interrupt(stop, [&wakeup] { wakeup.Interrupt(); });
    consumer.Run(stop, wakeup, std::chrono::milliseconds(50));
  };
  std::jthread first(work), second(work);
  WaitFor([&] { return Count("SELECT count(*) FROM effects") >= kEvents; },
          std::chrono::seconds(60));
  first.request_stop();
  second.request_stop();
  first.join();
  second.join();
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM effects"), kEvents);
  EXPECT_EQ(Count("SELECT count(*) FROM event_dead_letters"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events"), kEvents);
}

TEST_F(ConsumerTest, EventsOfOneAggregateStayInOrderAcrossPartitions) {
  const std::string aggregate =
      sql_.Execute("SELECT gen_random_uuid()::text").Single()[0].As<std::string>();
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    expected.push_back(Append("same " + std::to_string(i), aggregate));
    Append("other " + std::to_string(i));
  }
  std::vector<std::string> seen;
  consumers::Consumer consumer(pool_, Options(4),
                               [&](const events::StoredEvent& event, pg::Connection&) {
                                 if (event.aggregate_id.ToString() == aggregate)
                                   seen.push_back(event.id.ToString());
                               });
  consumer.Subscribe();
  RunUntil(consumer, [&](int) { return seen.size() >= expected.size(); });
  EXPECT_EQ(seen, expected);
}

TEST_F(ConsumerTest, APassHandlesAWholeBatchReadInChunksAndStopsAtAFailure) {
  // One transaction, so that all of them become readable at once.
  AppendEventTransaction(sql_, kType, 2000);
  const std::vector<std::string> log = LogOrder();
  const std::string failing = log[1700];
  auto options = Options();
  options.batch_size = 1200;  // more than one read
  options.first_retry = std::chrono::milliseconds(60'000);
  consumers::Consumer consumer(pool_, options,
                               [&](const events::StoredEvent& event, pg::Connection& connection) {
                                 if (event.id.ToString() == failing)
                                   throw std::runtime_error("refused");
                                 record_(event, connection);
                               });
  consumer.Subscribe();

  EXPECT_EQ(RunUntil(consumer, [](int moved) { return moved > 0; }), 1200);
  EXPECT_EQ(handled_, std::vector<std::string>(log.begin(), log.begin() + 1200));
  // The next pass stops at the failing event: what came before it commits, it waits.
  EXPECT_EQ(consumer.RunOnce(), 500);
  EXPECT_EQ(handled_, std::vector<std::string>(log.begin(), log.begin() + 1700));
  EXPECT_EQ(Count("SELECT count(*) FROM event_subscriptions "
                  "WHERE retry_event_id = '" +
                  failing +
                  "' AND retry_attempts = 1 "
                  "AND handled_count = 1700"),
            1);
  // Each event handled before the failure is marked, in the read it came in.
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events WHERE consumer = 'test-consumer'"), 1700);
  EXPECT_EQ(consumer.RunOnce(), 0);  // its retry is not due
}

TEST_F(ConsumerTest, ReadsThatEndInsideATransactionResumeThereAndCrossIntoTheNext) {
  for (const int size : {7, 5, 9})
    AppendEventTransaction(sql_, kType, size);
  auto options = Options();
  options.batch_size = 4;  // each read but the first starts inside a transaction or ends in one
  consumers::Consumer consumer(pool_, options, record_);
  consumer.Subscribe();

  EXPECT_EQ(RunUntil(consumer, [](int moved) { return moved >= 21; }), 21);
  EXPECT_EQ(handled_, LogOrder());
  EXPECT_EQ(consumer.RunOnce(), 0);
}

TEST_F(ConsumerTest, AReadBehindABacklogOfLargeTransactionsVisitsOnlyWhatItReturns) {
  // The cursor: the last event of a small transaction, with 200 transactions of 100 events
  // after it (a backfill, an import) and a young event_commits, whose statistics made the
  // generic plan sort every later transaction's events for each read.
  const events::LogPosition cursor = LargeTransactionsAfterOneEvent(sql_, kType);

  // On a connection of its own: the numbering above read every event.
  pg::Connection reader = database_.Connect();
  reader.ExecuteScript("BEGIN");
  const consumers::ReadBatch batch =
      consumers::SubscriptionRows(reader).ReadAfter(Options(), cursor, {kType}, 0, 100);
  const std::int64_t fetched = EventLogRowsReadNotYetReported(reader);
  reader.ExecuteScript("ROLLBACK");

  const std::vector<std::string> log = LogOrder();
  ASSERT_EQ(batch.deliveries.size(), 100U);
  for (std::size_t i = 0; i < 100; ++i)
    EXPECT_EQ(batch.deliveries[i].event.id.ToString(), log[i + 1]);
  // The first later transaction holds them all: reading it once is 100 rows, where the sort
  // read all 20,000.
  EXPECT_LE(fetched, 300);
}

TEST_F(ConsumerTest, AsTextHandsOverTheStructuredCloudEventOfTheRow) {
  sql_.Execute(R"sql(
      INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
      VALUES ($1, 'test', '0190f5a0-0000-7000-8000-00000000000a',
              '{"label": "quote \" and \u00e9", "nested": {"n": [1, 2.5, null]}}',
              '{"specversion": "1.0", "source": "/tests",
                "subject": "0190f5a0-0000-7000-8000-00000000000a",
                "datacontenttype": "application/json", "dataschema": "https://x.test/s",
                "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "deprecated": true, "nedliaversion": "1.2.3"}'))sql",
               pg::Params(kType));
  std::vector<events::StoredEvent> parsed;
  std::vector<events::StoredEvent> as_text;
  consumers::Consumer parsing(
      pool_, Options(),
      [&](const events::StoredEvent& event, pg::Connection&) { parsed.push_back(event); });
  auto text_options = Options();
  text_options.name = "text-consumer";
  text_options.as_text = true;
  consumers::Consumer texting(
      pool_, text_options,
      [&](const events::StoredEvent& event, pg::Connection&) { as_text.push_back(event); });
  parsing.Subscribe();
  texting.Subscribe();
  RunUntil(parsing, [&](int) { return !parsed.empty(); });
  RunUntil(texting, [&](int) { return !as_text.empty(); });
  ASSERT_EQ(parsed.size(), 1U);
  ASSERT_EQ(as_text.size(), 1U);

  EXPECT_TRUE(parsed[0].structured_text.empty());
  EXPECT_TRUE(as_text[0].data.is_null());
  EXPECT_TRUE(as_text[0].metadata.is_null());
  EXPECT_EQ(as_text[0].id, parsed[0].id);
  EXPECT_EQ(nlohmann::json::parse(as_text[0].structured_text),
            events::ToStructured(parsed[0].ToCloudEvent()));
}

TEST_F(ConsumerTest, ASubscriptionKeepsItsNumberOfPartitions) {
  consumers::Consumer(pool_, Options(4), record_).Subscribe();
  try {
    consumers::Consumer(pool_, Options(2), record_).Subscribe();
    FAIL() << "no error";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(),
                 "consumer test-consumer has 4 partitions, not 2: start it with the same number");
  }
}

}  // namespace
}  // namespace nedlia::testing
