// A server that takes no writes (a standby, or a primary set read-only) is "the database is
// unavailable" to the primary's pool, never a generic error: its connections are dropped and
// the next ones go to whichever host takes writes. Against a real primary and streaming standby
// of this test's own (not the run's shared server).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "pg/connection.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/shared_reader.hpp"
#include "pg/transaction.hpp"
#include "support/managed_pair.hpp"
#include "support/wait_for.hpp"

namespace nedlia::pg {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class ReadOnlyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pair_.StartPrimaryAndReplica();
    ASSERT_FALSE(HasFatalFailure());
    pair_.Primary().ExecuteScript("CREATE TABLE probe (n INT)");
    ASSERT_TRUE(testing::WaitFor([&] {
      return pair_.Replica()
          .Execute("SELECT to_regclass('probe') IS NOT NULL")
          .Single()[0]
          .As<bool>();
    }));
  }

  std::string StandbyUrl(const std::string& query = "") const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(pair_.ReplicaPort()) + "/nedlia" +
           query;
  }
  std::string PrimaryUrl() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(pair_.PrimaryPort()) + "/nedlia";
  }
  static void Insert(Pool& pool, int attempts) {
    RunInTransaction(pool, {.max_attempts = attempts},
                     [](Transaction& tx) { tx.Execute("INSERT INTO probe VALUES (1)"); });
  }
  // Sets default_transaction_read_only for the whole primary, as an operator would.
  void SetPrimaryReadOnly(bool read_only) {
    Connection admin = pair_.Primary();
    // This session may write whatever the default: ALTER SYSTEM takes a writable session.
    admin.ExecuteScript("SET default_transaction_read_only = off");
    admin.ExecuteScript(read_only ? "ALTER SYSTEM SET default_transaction_read_only = on"
                                  : "ALTER SYSTEM RESET default_transaction_read_only");
    admin.ExecuteScript("SELECT pg_reload_conf()");
    // A new session sees it once the postmaster has reloaded, which it does before it signals
    // the sessions already open: from then on each applies it to its next statement.
    const std::string expected = read_only ? "on" : "off";
    ASSERT_TRUE(testing::WaitFor([&] {
      return Connection::Open(PrimaryUrl())
                 .Execute("SHOW default_transaction_read_only")
                 .Single()[0]
                 .As<std::string>() == expected;
    }));
  }

  testing::ManagedPair pair_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
};

TEST_F(ReadOnlyServerTest, ThePrimarysPoolNeverLendsAConnectionToAStandby) {
  // libpq refuses it (target_session_attrs=read-write is the pool's default)...
  Pool refused({.url = StandbyUrl(), .max_size = 1, .connect_timeout = 2s});
  EXPECT_THROW(refused.Acquire(), ConnectionLost);
  // ...and so does the pool when the URL overrides that default.
  Pool any({.url = StandbyUrl("?target_session_attrs=any"), .max_size = 1, .connect_timeout = 2s});
  EXPECT_THROW(any.Acquire(), ReadOnlyServer);
  EXPECT_EQ(any.OpenCount(), 0U);
  // A replica's pool takes it, for reads.
  Pool replica({.url = StandbyUrl(), .max_size = 1, .target = TargetSession::kAny});
  EXPECT_EQ(replica.Acquire()->Execute("SELECT count(*) FROM probe").Single()[0].As<std::int64_t>(),
            0);
}

TEST_F(ReadOnlyServerTest, AWriteAStandbyRefusesIsReadOnlyServerAndNeverInDoubt) {
  Connection standby = Connection::Open(StandbyUrl());
  EXPECT_TRUE(standby.ServerIsReadOnly());  // in_hot_standby, reported at connection
  try {
    standby.Execute("INSERT INTO probe VALUES (1)");
    FAIL() << "the standby took a write";
  } catch (const ReadOnlyServer& error) {
    EXPECT_EQ(error.SqlState(), "25006");
    EXPECT_TRUE(error.IsRetryable());
  }
  // Refused inside the COMMIT's round trip: the server answered, so nothing is in doubt.
  try {
    Transaction transaction(standby, {});
    standby.Defer("INSERT INTO probe VALUES (2)");
    transaction.Commit();
    FAIL() << "the standby took a write";
  } catch (const TransactionInDoubt&) {
    FAIL() << "a refused write is not in doubt";
  } catch (const ReadOnlyServer&) {
  }
  EXPECT_TRUE(standby.IsOpen());
  EXPECT_FALSE(standby.InTransaction());
}

TEST_F(ReadOnlyServerTest, AConnectionLeftOnAPrimarySetReadOnlyIsDroppedAndThePoolComesBack) {
  Pool pool({.url = PrimaryUrl(), .max_size = 1, .connect_timeout = 2s});
  Insert(pool, 1);
  ASSERT_EQ(pool.IdleCount(), 1U);  // stays on the primary, idle

  SetPrimaryReadOnly(true);
  // The idle connection learns it with its next answer: the refused write. It is dropped, and
  // libpq refuses the new ones (the session would be read-only): unavailable, not an error.
  EXPECT_THROW(Insert(pool, 1), ReadOnlyServer);
  EXPECT_EQ(pool.OpenCount(), 0U);
  EXPECT_THROW(Insert(pool, 3), ConnectionLost);
  EXPECT_EQ(pool.OpenCount(), 0U);

  SetPrimaryReadOnly(false);
  Insert(pool, 1);
  EXPECT_EQ(pool.IdleCount(), 1U);
  EXPECT_EQ(pair_.Primary().Execute("SELECT count(*) FROM probe").Single()[0].As<std::int64_t>(),
            2);
}

TEST_F(ReadOnlyServerTest, AnIdleConnectionWhoseServerTurnedReadOnlyIsNotLentAgain) {
  Pool pool({.url = PrimaryUrl(), .max_size = 1, .connect_timeout = 2s});
  {
    PooledConnection connection = pool.Acquire();
    SetPrimaryReadOnly(true);
    // A read succeeds, and its answer carries the server's new default.
    EXPECT_TRUE(testing::WaitFor([&] {
      connection->Execute("SELECT 1");
      return connection->ServerIsReadOnly();
    }));
  }
  EXPECT_EQ(pool.OpenCount(), 0U);  // dropped on return, never handed to a writer
  SetPrimaryReadOnly(false);
}

// The shared reader keeps to the primary as the pool does: once its server takes no writes, its
// connection is not read again, and reads fail (503) until a primary answers.
TEST_F(ReadOnlyServerTest, TheSharedReaderLeavesAServerThatTurnedReadOnly) {
  SharedReader reader({.url = PrimaryUrl(), .connect_timeout = 2s});
  const Statement probe{"read_only_probe", "SELECT count(*) FROM probe"};
  const auto read = [&] { return reader.Execute(probe, {}, Clock::now() + 10s); };
  ASSERT_EQ(read().Single()[0].As<int>(), 0);
  SetPrimaryReadOnly(true);
  EXPECT_TRUE(testing::WaitFor([&] {
    try {
      read();
      return false;
    } catch (const ConnectionLost&) {
      return true;  // no server that takes writes to read from
    }
  }));
  SetPrimaryReadOnly(false);
  EXPECT_EQ(read().Single()[0].As<int>(), 0);
}

}  // namespace
}  // namespace nedlia::pg
