// Logical decoding of event_log from a real PostgreSQL (the test cluster runs wal_level =
// logical, as the managed cluster does): transactions arrive in commit order, not in the order
// of their ids; the slot remembers what was confirmed, and only that.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "pg/replication_slots.hpp"
#include "pg/replication_stream.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::pg {
namespace {

using namespace std::chrono_literals;
using testing::TestDatabase;

constexpr const char* kPublication = "test_event_log";

/// One transaction as the stream shows it: the transaction ids its event_log rows carry.
struct Decoded {
  std::vector<std::string> transaction_ids;
  Lsn end;
};

class ReplicationStreamTest : public ::testing::Test {
 protected:
  ReplicationStreamTest() : slot_("test_" + database_.Name()) {
    Connection connection = database_.Connect();
    EnsurePublication(connection, kPublication, "event_log", {"transaction_id", "position"});
    EXPECT_TRUE(EnsureSlot(connection, slot_));
  }
  ~ReplicationStreamTest() override {
    // A slot outlives its database's connections: drop it, or it keeps WAL (and the database).
    DropWhenReleased(slot_);
  }

  /// Drops `slot` once no walsender holds it: a stream's server process ends a moment after
  /// the stream's connection closes.
  void DropWhenReleased(const std::string& slot) const {
    Connection connection = database_.Connect();
    EXPECT_TRUE(testing::WaitFor([&] {
      try {
        DropSlot(connection, slot);
        return true;
      } catch (const SlotUnusable&) {
        return false;
      }
    })) << slot
        << " stayed in use";
  }
  ReplicationStreamTest(const ReplicationStreamTest&) = delete;
  ReplicationStreamTest& operator=(const ReplicationStreamTest&) = delete;

  ReplicationStream Open() const {
    return ReplicationStream::Start(
        {.url = database_.Url(), .slot = slot_, .publication = kPublication});
  }

  /// Inserts an event in `connection`'s open transaction; returns that transaction's id.
  static std::string InsertEvent(Connection& connection) {
    return connection
        .Execute(R"sql(
        INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
        VALUES ('com.nedlia.placement.deleted.v1', 'placement', gen_random_uuid(),
                jsonb_build_object('placement_id', gen_random_uuid()), '{"source": "/t"}')
        RETURNING transaction_id::text)sql")
        .Single()[0]
        .As<std::string>();
  }

  /// The next whole transaction of the stream (within 10 s). A stream describes each table
  /// once, before its first change: the descriptions are kept across transactions.
  Decoded NextTransaction(ReplicationStream& stream) {
    Decoded decoded;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto message = stream.Next(200ms);
      if (!message)
        continue;
      if (const auto* described = std::get_if<PgOutputRelation>(&*message)) {
        relations_[described->id] = *described;
      } else if (const auto* insert = std::get_if<PgOutputInsert>(&*message)) {
        const PgOutputRelation& relation = relations_.at(insert->relation_id);
        EXPECT_EQ(relation.name, "event_log") << "published as the partitioned table";
        const auto column = std::find(relation.columns.begin(), relation.columns.end(),
                                      std::string("transaction_id"));
        if (column != relation.columns.end()) {
          const auto index = static_cast<std::size_t>(column - relation.columns.begin());
          decoded.transaction_ids.push_back(insert->values.at(index).value_or(""));
        }
      } else if (const auto* commit = std::get_if<PgOutputCommit>(&*message)) {
        decoded.end = commit->end_lsn;
        return decoded;
      }
    }
    ADD_FAILURE() << "no transaction within 10 s";
    return decoded;
  }

  TestDatabase database_;
  std::string slot_;
  std::map<std::uint32_t, PgOutputRelation> relations_;
};

TEST_F(ReplicationStreamTest, TransactionsArriveInCommitOrderNotInTheOrderOfTheirIds) {
  ReplicationStream stream = Open();
  Connection older = database_.Connect();
  Connection younger = database_.Connect();
  older.Execute("BEGIN");
  const std::string older_id = InsertEvent(older);
  younger.Execute("BEGIN");
  const std::string younger_id = InsertEvent(younger);
  InsertEvent(younger);
  younger.Execute("COMMIT");
  older.Execute("COMMIT");
  ASSERT_LT(std::stoull(older_id), std::stoull(younger_id));

  const Decoded first = NextTransaction(stream);
  EXPECT_EQ(first.transaction_ids, (std::vector<std::string>{younger_id, younger_id}))
      << "the younger transaction committed first";
  const Decoded second = NextTransaction(stream);
  EXPECT_EQ(second.transaction_ids, (std::vector<std::string>{older_id}));
  EXPECT_LT(first.end, second.end);
}

TEST_F(ReplicationStreamTest, ARolledBackTransactionNeverArrives) {
  ReplicationStream stream = Open();
  Connection connection = database_.Connect();
  connection.Execute("BEGIN");
  InsertEvent(connection);
  connection.Execute("ROLLBACK");
  connection.Execute("BEGIN");
  const std::string kept = InsertEvent(connection);
  connection.Execute("COMMIT");
  EXPECT_EQ(NextTransaction(stream).transaction_ids, (std::vector<std::string>{kept}));
}

TEST_F(ReplicationStreamTest, ANewStreamStartsAfterWhatWasConfirmedAndRepeatsTheRest) {
  Connection connection = database_.Connect();
  const std::string first = InsertEvent(connection);
  const std::string second = InsertEvent(connection);
  {
    ReplicationStream stream = Open();
    const Decoded one = NextTransaction(stream);
    ASSERT_EQ(one.transaction_ids, (std::vector<std::string>{first}));
    stream.Confirm(one.end);
    EXPECT_EQ(NextTransaction(stream).transaction_ids, (std::vector<std::string>{second}));
    // Not confirmed: a crash here loses nothing.
  }
  ReplicationStream again = Open();
  EXPECT_EQ(NextTransaction(again).transaction_ids, (std::vector<std::string>{second}));
}

TEST_F(ReplicationStreamTest, AMissingOrTakenSlotIsSaidSo) {
  try {
    ReplicationStream::Start(
        {.url = database_.Url(), .slot = slot_ + "_missing", .publication = kPublication});
    ADD_FAILURE() << "a missing slot streamed";
  } catch (const SlotUnusable& error) {
    EXPECT_EQ(error.Why(), SlotUnusable::Reason::kMissing) << error.what();
  }
  ReplicationStream taken = Open();
  try {
    Open();
    ADD_FAILURE() << "a slot streamed to two readers";
  } catch (const SlotUnusable& error) {
    EXPECT_EQ(error.Why(), SlotUnusable::Reason::kInUse) << error.what();
  }
  Connection connection = database_.Connect();
  EXPECT_THROW(DropSlot(connection, slot_), SlotUnusable) << "in use";
}

TEST_F(ReplicationStreamTest, SlotsAreListedWithTheWalTheyRetainAndDropped) {
  Connection connection = database_.Connect();
  EXPECT_EQ(WhyNoLogicalDecoding(connection), std::nullopt);
  InsertEvent(connection);
  const auto listed = [&] {
    for (const SlotInfo& slot : ListSlots(connection)) {
      if (slot.name == slot_)
        return std::optional<SlotInfo>(slot);
    }
    return std::optional<SlotInfo>();
  };
  const std::optional<SlotInfo> slot = listed();
  ASSERT_TRUE(slot);
  EXPECT_EQ(slot->plugin, "pgoutput");
  EXPECT_EQ(slot->database, database_.Name());
  EXPECT_FALSE(slot->active);
  EXPECT_GT(slot->retained_bytes, 0) << "the insert's WAL is held for the slot";
  EXPECT_EQ(slot->wal_status, "reserved");
  EXPECT_FALSE(EnsureSlot(connection, slot_)) << "it exists";
  EXPECT_TRUE(DropSlot(connection, slot_));
  EXPECT_FALSE(listed());
  EXPECT_FALSE(DropSlot(connection, slot_)) << "already gone";
  EXPECT_TRUE(EnsureSlot(connection, slot_));  // for the fixture to drop
}

TEST_F(ReplicationStreamTest, ANewSlotsSnapshotSeesExactlyWhatItsStreamWillNotSend) {
  Connection connection = database_.Connect();
  const std::string before = InsertEvent(connection);
  const std::string slot = slot_ + "_exported";
  std::string after;
  {
    const NewSlot created = NewSlot::Create(database_.Url(), slot);
    EXPECT_THROW(NewSlot::Create(database_.Url(), slot), DuplicateObject);
    after = InsertEvent(connection);  // committed after the slot's start
    Connection reader = database_.Connect();
    reader.ExecuteScript("BEGIN ISOLATION LEVEL REPEATABLE READ");
    reader.Execute("SET TRANSACTION SNAPSHOT '" + created.Snapshot() + "'");
    const auto seen = [&](const std::string& id) {
      return reader
          .Execute("SELECT count(*) FROM event_log WHERE transaction_id = $1::xid8", Params(id))
          .Single()[0]
          .As<std::int64_t>();
    };
    EXPECT_EQ(seen(before), 1);
    EXPECT_EQ(seen(after), 0);
    reader.ExecuteScript("COMMIT");
  }
  {
    ReplicationStream stream = ReplicationStream::Start(
        {.url = database_.Url(), .slot = slot, .publication = kPublication});
    EXPECT_EQ(NextTransaction(stream).transaction_ids, (std::vector<std::string>{after}));
  }
  DropWhenReleased(slot);
}

}  // namespace
}  // namespace nedlia::pg
