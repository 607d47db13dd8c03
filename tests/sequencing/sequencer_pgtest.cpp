// Events in commit order from logical decoding: a long unrelated transaction delays no reader,
// transactions that commit out of their xid order arrive in commit order with nothing skipped,
// a lost slot is re-synced from the tables, PostgreSQL restarts under load, and where the server
// cannot decode its WAL the readers fall back to numbering below the oldest running transaction.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <stop_token>
#include <thread>

#include "consumers/consumer.hpp"
#include "domain/uuid.hpp"
#include "pg/managed_cluster.hpp"
#include "pg/replication_slots.hpp"
#include "pg/replication_stream.hpp"
#include "pg/transaction.hpp"
#include "sequencing/sequencer.hpp"
#include "support/delivery_helpers.hpp"
#include "support/event_load.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kType = kLoadEventType;

/// Appends an event labelled `label` on `connection`, in whatever transaction it has open.
void Append(pg::Connection& connection, const std::string& label) {
  connection.Execute(
      "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata) "
      "VALUES ($1, 'test', gen_random_uuid(), jsonb_build_object('label', $2::text), "
      "'{\"source\": \"/tests\"}')",
      pg::Params(std::string(kType), label));
}

std::string Reader(pg::Connection& sql) {
  return sql.Execute("SELECT reader FROM event_sequencing").Single()[0].As<std::string>();
}

class SequencerTest : public ::testing::Test {
 protected:
  void SetUp() override { consumer_.Subscribe(); }

  /// A sequencer leading from a replication slot, as `nedlia serve` and `nedlia worker` run it.
  void StartSequencer() {
    sequencer_.emplace(sequencing::SequencerOptions{.database_url = database_.Url()});
    ASSERT_TRUE(WaitFor([&] { return sequencer_->Leads() && Reader(sql_) == "commit"; }, 30s))
        << "the sequencer never took over the numbering";
    EXPECT_EQ(sequencer_->Numbering(), events::Numbering::kCommit);
  }

  /// Runs the consumer until it handled `count` events in all (or 10 s passed).
  std::vector<std::string> HandledAfter(std::size_t count) {
    RunUntil(
        consumer_, [&](int) { return Handled().size() >= count; }, 10s);
    return Handled();
  }

  std::vector<std::string> Handled() {
    const std::lock_guard lock(mutex_);
    return handled_;
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  pg::Pool pool_{{.url = database_.Url(), .max_size = 4}};
  std::mutex mutex_;
  std::vector<std::string> handled_;
  consumers::Consumer consumer_{pool_,
                                {.name = "test-consumer", .types = {kType}, .partitions = 1},
                                [this](const events::StoredEvent& event, pg::Connection&) {
                                  const std::lock_guard lock(mutex_);
                                  handled_.push_back(event.data.at("label").get<std::string>());
                                }};
  std::optional<sequencing::Sequencer> sequencer_;
};

TEST_F(SequencerTest, ALongUnrelatedTransactionDelaysNoReader) {
  StartSequencer();
  // Anywhere in the cluster, a transaction that took an xid and stays open: today's horizon
  // would not pass it until it ends.
  pg::Connection unrelated = database_.Connect();
  unrelated.ExecuteScript("BEGIN; CREATE TEMP TABLE scratch (n int); SELECT pg_sleep(0)");

  Append(sql_, "while it runs");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(HandledAfter(1), std::vector<std::string>{"while it runs"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  unrelated.ExecuteScript("ROLLBACK");
}

TEST_F(SequencerTest, TransactionsCommittingOutOfTheirXidOrderArriveInCommitOrder) {
  StartSequencer();
  pg::Connection first = database_.Connect();
  pg::Connection second = database_.Connect();
  first.ExecuteScript("BEGIN");
  Append(first, "oldest xid, commits last");  // the lower transaction id
  second.ExecuteScript("BEGIN");
  Append(second, "younger xid, commits first");
  second.ExecuteScript("COMMIT");
  Append(sql_, "youngest, in autocommit");

  // Delivered while the oldest transaction is still open: nothing waits for it.
  EXPECT_EQ(HandledAfter(2),
            (std::vector<std::string>{"younger xid, commits first", "youngest, in autocommit"}));
  first.ExecuteScript("COMMIT");
  EXPECT_EQ(HandledAfter(3),
            (std::vector<std::string>{"younger xid, commits first", "youngest, in autocommit",
                                      "oldest xid, commits last"}));
  // Each transaction numbered once, in commit order.
  const pg::Result numbers = sql_.Execute(
      "SELECT e.data->>'label' FROM event_commits c JOIN event_log e USING (transaction_id) "
      "ORDER BY c.seq");
  ASSERT_EQ(numbers.RowCount(), 3);
  EXPECT_EQ(numbers[2][0].As<std::string>(), "oldest xid, commits last");
}

TEST_F(SequencerTest, ATransactionIsNumberedOnlyOnceReadersCanSeeItsEvents) {
  // A commit streams from the WAL a moment before new snapshots see it. That moment, widened:
  // the numbering is asked for a transaction that is still open.
  sql_.Execute("UPDATE event_sequencing SET reader = 'commit'");
  pg::Connection writer = database_.Connect();
  writer.ExecuteScript("BEGIN");
  Append(writer, "seen late");
  const pg::Row row = writer
                          .Execute(
                              "SELECT pg_current_xact_id()::text, min(created_at)::text, "
                              "max(created_at)::text FROM event_log "
                              "WHERE transaction_id = pg_current_xact_id()")
                          .Single();
  const events::TransactionCommit commit{.transaction_id = std::stoull(row[0].As<std::string>()),
                                         .first_created_at = row[1].As<std::string>(),
                                         .last_created_at = row[2].As<std::string>(),
                                         .event_types = {kType}};
  pg::Connection numbering = database_.Connect();
  events::CommitOrder order(numbering);

  EXPECT_EQ(order.Record({commit}), std::nullopt) << "numbered before it can be read";
  EXPECT_EQ(consumer_.RunOnce(), 0);  // and a reader passes over nothing meanwhile
  writer.ExecuteScript("COMMIT");
  EXPECT_EQ(order.Record({commit}), 1);
  EXPECT_EQ(HandledAfter(1), std::vector<std::string>{"seen late"});
}

TEST_F(SequencerTest, ALostSlotIsMadeAgainAndWhatItMissedIsNumberedFromTheTables) {
  StartSequencer();
  Append(sql_, "before");
  EXPECT_EQ(HandledAfter(1).size(), 1U);
  const std::string slot = sequencing::Sequencer::SlotFor(database_.Name());
  sequencer_.reset();  // the slot stays, confirmed up to what was numbered
  // As on a promoted standby (slots are not copied to standbys in PostgreSQL 15): the slot is
  // gone, and events committed meanwhile were never streamed to anyone.
  ASSERT_TRUE(WaitFor([&] {  // its walsender may take a moment to let it go
    try {
      return pg::DropSlot(sql_, slot);
    } catch (const pg::SlotUnusable&) {
      return false;
    }
  }));
  sql_.Execute("UPDATE event_sequencing SET reader = 'commit'");  // no reader numbers either
  Append(sql_, "while no slot existed");
  Append(sql_, "and again");

  StartSequencer();
  Append(sql_, "after");
  EXPECT_EQ(HandledAfter(4),
            (std::vector<std::string>{"before", "while no slot existed", "and again", "after"}));
  EXPECT_TRUE(WaitFor([&] {
    for (const pg::SlotInfo& info : pg::ListSlots(sql_)) {
      if (info.name == slot)
        return info.active;
    }
    return false;
  }));
}

TEST_F(SequencerTest, OneProcessLeadsAndAnotherTakesOverWhenItStops) {
  StartSequencer();
  sequencing::Sequencer standby({.database_url = database_.Url()});
  std::this_thread::sleep_for(1500ms);  // not synchronisation: time for it to try and fail
  EXPECT_FALSE(standby.Leads());
  sequencer_.reset();
  EXPECT_TRUE(WaitFor([&] { return standby.Leads(); }, 20s));
  Append(sql_, "numbered by the standby");
  EXPECT_EQ(HandledAfter(1), std::vector<std::string>{"numbered by the standby"});
}

/// A cluster of the test's own: restarting the run's shared server would disturb other tests.
class PrivateClusterTest : public ::testing::Test {
 protected:
  void TearDown() override {
    cluster_.Stop();
    std::filesystem::remove_all(dir_);
  }

  std::string StartMigrated() {
    cluster_.Start();
    const std::string url = cluster_.Url("nedlia");
    const auto migrated =
        RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(url) +
                   " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(SourceDir() + "/migrations") + " " +
                   ShellQuote(NedliaBinary()) + " migrate upgrade head 2>&1");
    EXPECT_EQ(migrated.exit_code, 0) << migrated.output;
    pg::Connection::Open(url).ExecuteScript("CREATE TABLE effects (event_id uuid PRIMARY KEY)");
    return url;
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("nedlia-sequencer-" + domain::Uuid::NewV7().ToString());
  pg::ManagedCluster cluster_{
      pg::ClusterOptions{.dir = dir_, .port = FreeLoopbackPort(), .bin_dir = std::nullopt}};
};

std::int64_t Count(const std::string& url, const char* query) {
  return pg::Connection::Open(url).Execute(query).Single()[0].As<std::int64_t>();
}

TEST_F(PrivateClusterTest, PostgresRestartedUnderLoadNumbersEveryTransactionOnce) {
  const std::string url = StartMigrated();
  sequencing::Sequencer sequencer({.database_url = url, .retry = 200ms});
  ASSERT_TRUE(WaitFor([&] { return sequencer.Leads(); }, 30s));
  ASSERT_EQ(sequencer.Numbering(), events::Numbering::kCommit);
  std::atomic<int> handled = 0;
  EventWriter writer(url);
  std::jthread consumer = RunRecordingConsumer(url, handled);

  EXPECT_TRUE(WaitFor([&] { return writer.Written() >= 100 && handled >= 10; }, 30s));
  cluster_.Stop();                     // fast shutdown: the stream and every connection are cut
  std::this_thread::sleep_for(500ms);  // not synchronisation: the outage lasts this long
  cluster_.Start();
  const int before_restart = writer.Written();
  EXPECT_TRUE(WaitFor([&] { return writer.Written() >= before_restart + 100; }, 30s))
      << "the writer did not resume";
  writer.Stop();

  const std::int64_t events = Count(url, "SELECT count(*) FROM event_log");
  EXPECT_TRUE(WaitFor([&] { return Count(url, "SELECT count(*) FROM effects") >= events; }, 30s));
  consumer.request_stop();
  consumer.join();
  EXPECT_GT(events, 200);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM effects"), events);
  EXPECT_EQ(Count(url, "SELECT count(*) FROM event_commits"),
            Count(url, "SELECT count(DISTINCT transaction_id) FROM event_log"));
  EXPECT_EQ(Count(url, "SELECT count(*) FROM event_sequencing WHERE reader = 'commit'"), 1);
}

TEST_F(PrivateClusterTest, WithoutLogicalDecodingReadersNumberBelowTheOldestTransaction) {
  const std::string url = StartMigrated();
  pg::Connection::Open(url).ExecuteScript("ALTER SYSTEM SET wal_level = replica");
  cluster_.Stop();
  cluster_.Start();
  sequencing::Sequencer sequencer({.database_url = url});
  ASSERT_TRUE(WaitFor([&] { return sequencer.Numbering().has_value(); }, 30s));
  EXPECT_EQ(sequencer.Numbering(), events::Numbering::kFinal);
  const std::string exported = metrics::Registry::Process().Render();
  EXPECT_NE(exported.find("nedlia_event_reader{reader=\"horizon\"} 1"), std::string::npos);
  EXPECT_NE(exported.find("nedlia_event_reader{reader=\"logical\"} 0"), std::string::npos);

  std::atomic<int> handled = 0;
  std::jthread consumer = RunRecordingConsumer(url, handled);
  pg::Connection sql = pg::Connection::Open(url);
  pg::Connection unrelated = pg::Connection::Open(url);
  unrelated.ExecuteScript("BEGIN; CREATE TEMP TABLE scratch (n int)");
  Append(sql, "behind an open transaction");
  std::this_thread::sleep_for(1s);  // not synchronisation: time it would take to deliver
  EXPECT_EQ(handled, 0) << "the fallback cannot pass an open transaction";
  unrelated.ExecuteScript("ROLLBACK");
  EXPECT_TRUE(WaitFor([&] { return handled == 1; }, 10s));
  EXPECT_TRUE(pg::ListSlots(sql).empty());
}

}  // namespace
}  // namespace nedlia::testing
