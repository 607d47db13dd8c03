#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include "metrics/registry.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/pool_metrics.hpp"
#include "pg/transaction.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::pg {
namespace {

using testing::Template;
using testing::TestDatabase;
using testing::WaitFor;

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_.Connect().ExecuteScript(
        "CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL);"
        "INSERT INTO counter VALUES (1, 0)");
  }

  Pool MakePool(std::size_t size) {
    return Pool(PoolOptions{.url = database_.Url(),
                            .max_size = size,
                            .acquire_timeout = std::chrono::milliseconds(300),
                            .connect_timeout = std::chrono::seconds(5)});
  }

  int Count() { return database_.Connect().Execute("SELECT n FROM counter").Single()[0].As<int>(); }

  TestDatabase database_{Template::kEmpty};
};

TEST_F(PoolTest, NeverOpensMoreThanItsBound) {
  Pool pool = MakePool(2);
  auto first = pool.Acquire();
  auto second = pool.Acquire();
  EXPECT_EQ(pool.OpenCount(), 2u);
  EXPECT_THROW(pool.Acquire(), PoolExhausted);
}

TEST_F(PoolTest, ReturnedConnectionIsReused) {
  Pool pool = MakePool(2);
  int first_pid = 0;
  {
    auto connection = pool.Acquire();
    first_pid = connection->Execute("SELECT pg_backend_pid()").Single()[0].As<int>();
  }
  auto again = pool.Acquire();
  EXPECT_EQ(again->Execute("SELECT pg_backend_pid()").Single()[0].As<int>(), first_pid);
  EXPECT_EQ(pool.OpenCount(), 1u);
}

TEST_F(PoolTest, WaiterGetsTheConnectionAnotherThreadReturns) {
  Pool pool = MakePool(1);
  std::promise<void> held;
  std::thread holder([&] {
    auto connection = pool.Acquire();
    held.set_value();
    // Not synchronisation: the holder keeps the connection a while, so that the other thread
    // has to wait for it (well within its 300 ms budget).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  });
  held.get_future().wait();
  auto connection = pool.Acquire();  // waits for the holder
  EXPECT_TRUE(connection->IsOpen());
  holder.join();
}

// What /metrics shows of a pool: its size, what is lent out, who waits and how long.
TEST_F(PoolTest, StatsShowConnectionsInUseWaitersAndWaitTimes) {
  Pool pool = MakePool(1);
  EXPECT_EQ(pool.Stats().max_size, 1u);
  std::optional<PooledConnection> held(pool.Acquire());
  EXPECT_EQ(pool.Stats().in_use, 1u);
  std::thread waiter([&] { auto connection = pool.Acquire(); });
  ASSERT_TRUE(WaitFor([&] { return pool.Stats().waiting == 1; }));
  held.reset();
  waiter.join();
  const PoolStats after = pool.Stats();
  EXPECT_EQ(after.waiting, 0u);
  EXPECT_EQ(after.in_use, 0u);
  EXPECT_EQ(after.open, 1u);
  const std::string text = PoolMetricsText(pool, "api");
  EXPECT_NE(text.find("nedlia_db_pool_size{pool=\"api\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nedlia_db_pool_wait_seconds_count{pool=\"api\"} 2\n"), std::string::npos)
      << text;
}

TEST_F(PoolTest, AStatementTimeoutIsCounted) {
  metrics::Counter& timeouts =
      metrics::Registry::Process().GetCounter("nedlia_db_statement_timeouts_total", "");
  const std::uint64_t before = timeouts.Value();
  pg::Connection connection = database_.Connect();
  connection.Execute("SET statement_timeout = '50ms'");
  EXPECT_THROW(connection.Execute("SELECT pg_sleep(5)"), QueryCanceled);
  EXPECT_EQ(timeouts.Value() - before, 1);
}

TEST_F(PoolTest, ConnectionKilledWhileIdleIsReplacedOnAcquire) {
  Pool pool = MakePool(1);
  int pid = 0;
  {
    auto connection = pool.Acquire();
    pid = connection->Execute("SELECT pg_backend_pid()").Single()[0].As<int>();
  }
  Connection admin = database_.Connect();
  testing::TerminateBackend(admin, pid);
  auto connection = pool.Acquire();
  EXPECT_NE(connection->Execute("SELECT pg_backend_pid()").Single()[0].As<int>(), pid);
}

TEST_F(PoolTest, ConnectionReturnedInsideATransactionIsDiscarded) {
  Pool pool = MakePool(1);
  {
    auto connection = pool.Acquire();
    connection->ExecuteScript("BEGIN; UPDATE counter SET n = 99");
  }
  EXPECT_EQ(pool.OpenCount(), 0u);
  EXPECT_EQ(Count(), 0);  // the abandoned transaction never committed
}

TEST_F(PoolTest, TransactionRollsBackUnlessCommitted) {
  Pool pool = MakePool(1);
  {
    auto connection = pool.Acquire();
    Transaction transaction(*connection, {});
    transaction.Execute("UPDATE counter SET n = 5");
  }
  EXPECT_EQ(Count(), 0);
  RunInTransaction(pool, {}, [](Transaction& tx) { tx.Execute("UPDATE counter SET n = 6"); });
  EXPECT_EQ(Count(), 6);
}

TEST_F(PoolTest, ExceptionInsideTheTransactionRollsItBack) {
  Pool pool = MakePool(1);
  EXPECT_THROW(RunInTransaction(pool, {},
                                [](Transaction& tx) {
                                  tx.Execute("UPDATE counter SET n = 7");
                                  throw std::runtime_error("boom");
                                }),
               std::runtime_error);
  EXPECT_EQ(Count(), 0);
}

TEST_F(PoolTest, DeferredWriteCommitsWithTheTransaction) {
  Pool pool = MakePool(1);
  RunInTransaction(pool, {}, [](Transaction& tx) {
    tx.Conn().Defer("UPDATE counter SET n = 8 WHERE id = 1");  // sent with BEGIN and COMMIT
  });
  EXPECT_EQ(Count(), 8);
}

TEST_F(PoolTest, DeferredWriteThatFailsAtCommitCommitsNothing) {
  Pool pool = MakePool(1);
  EXPECT_THROW(RunInTransaction(pool, {},
                                [](Transaction& tx) {
                                  tx.Execute("UPDATE counter SET n = 9 WHERE id = 1");
                                  tx.Conn().Defer("INSERT INTO counter VALUES (1, 1)");
                                }),
               UniqueViolation);
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(pool.OpenCount(), 1u);  // rolled back and returned, not discarded
  auto connection = pool.Acquire();
  EXPECT_FALSE(connection->InTransaction());
}

TEST_F(PoolTest, TransactionThatNeverRanAStatementSendsNothing) {
  Pool pool = MakePool(1);
  auto connection = pool.Acquire();
  {
    Transaction transaction(*connection, {});
    transaction.Conn().Defer("UPDATE counter SET n = 10 WHERE id = 1");
  }
  EXPECT_FALSE(connection->HasDeferred());
  EXPECT_FALSE(connection->InTransaction());
  EXPECT_EQ(Count(), 0);
}

TEST_F(PoolTest, ExecuteAndCommitReturnsTheStatementsRowsAndReleasesItsLocksAtOnce) {
  Pool pool = MakePool(2);
  const Statement bump{"pool_test_bump", "UPDATE counter SET n = n + 1 RETURNING n"};
  const auto lock_taken_elsewhere = [&] {
    return pool.Acquire()->Execute("SELECT pg_try_advisory_lock(42)").Single()[0].As<bool>();
  };
  const int n = RunInTransaction(pool, {}, [&](Transaction& tx) {
    tx.Conn().Defer("SELECT pg_advisory_xact_lock(42)");
    const int bumped = tx.ExecuteAndCommit(bump).Single()[0].As<int>();
    EXPECT_TRUE(lock_taken_elsewhere()) << "the lock outlived the round trip";
    EXPECT_EQ(Count(), 1) << "committed before the function returned";
    return bumped;
  });
  EXPECT_EQ(n, 1);
  EXPECT_EQ(Count(), 1);

  const Statement failing{"pool_test_failing", "UPDATE counter SET n = n / 0 RETURNING n"};
  EXPECT_THROW(RunInTransaction(pool, {},
                                [&](Transaction& tx) {
                                  tx.Conn().Defer("UPDATE counter SET n = 100");
                                  tx.ExecuteAndCommit(failing);
                                }),
               Error);
  EXPECT_EQ(Count(), 1) << "a failing statement commits nothing before it";
}

TEST_F(PoolTest, OnlyATransactionAskedSoCommitsWithoutWaitingForTheDisk) {
  Pool pool = MakePool(1);
  const auto setting = [](Transaction& tx) {
    return tx.Execute("SHOW synchronous_commit").Single()[0].As<std::string>();
  };
  EXPECT_EQ(RunInTransaction(pool, {.durable_commit = false}, setting), "off");
  EXPECT_EQ(RunInTransaction(pool, {}, setting), "on") << "the setting outlived its transaction";
  EXPECT_EQ(RunInTransaction(pool, {.durable_commit = false},
                             [&](Transaction& tx) {
                               RequireDurableCommit(tx.Conn());
                               return setting(tx);
                             }),
            "on")
      << "a bookkeeping transaction that writes an event waits for the disk";
  RunInTransaction(pool, {.durable_commit = false},
                   [](Transaction& tx) { tx.Execute("UPDATE counter SET n = 12"); });
  EXPECT_EQ(Count(), 12);
}

TEST_F(PoolTest, ReadOnlyTransactionRefusesWritesWithBeginPipelined) {
  Pool pool = MakePool(1);
  const TransactionOptions read_only{.read_only = true};
  try {
    RunInTransaction(pool, read_only,
                     [](Transaction& tx) { tx.Execute("UPDATE counter SET n = 11"); });
    FAIL() << "the write went through";
  } catch (const ConnectionLost& error) {
    FAIL() << "our own READ ONLY transaction is not a read-only server: " << error.what();
  } catch (const Error& error) {
    EXPECT_EQ(error.SqlState(), "25006");
  }
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(pool.IdleCount(), 1U);  // the server takes writes: the connection is kept
}

TEST_F(PoolTest, SerializationFailuresAreRetriedUntilEveryIncrementLands) {
  Pool pool = MakePool(4);
  constexpr int kThreads = 4;
  constexpr int kIncrements = 15;
  std::atomic<int> attempts{0};
  const TransactionOptions options{
      .isolation = IsolationLevel::kSerializable, .read_only = false, .max_attempts = 100};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        RunInTransaction(pool, options, [&](Transaction& tx) {
          ++attempts;
          const int n = tx.Execute("SELECT n FROM counter WHERE id = 1").Single()[0].As<int>();
          // Not synchronisation: widens the window in which two transactions overlap.
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          tx.Execute("UPDATE counter SET n = $1 WHERE id = 1", Params(n + 1));
        });
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(Count(), kThreads * kIncrements);
  EXPECT_GT(attempts.load(), kThreads * kIncrements) << "the race never produced a retry";
}

TEST_F(PoolTest, NonRetryableErrorsAreNotRetried) {
  Pool pool = MakePool(1);
  int attempts = 0;
  EXPECT_THROW(RunInTransaction(pool, {},
                                [&](Transaction& tx) {
                                  ++attempts;
                                  tx.Execute("INSERT INTO counter VALUES (1, 1)");
                                }),
               UniqueViolation);
  EXPECT_EQ(attempts, 1);
}

TEST_F(PoolTest, StatementTimeoutBoundsEveryPooledConnection) {
  Pool pool(PoolOptions{
      .url = database_.Url(), .max_size = 1, .statement_timeout = std::chrono::milliseconds(100)});
  PooledConnection connection = pool.Acquire();
  EXPECT_THROW(connection->Execute("SELECT pg_sleep(2)"), QueryCanceled);
  EXPECT_EQ(connection->Execute("SHOW statement_timeout").Single()[0].As<std::string>(), "100ms");
}

TEST_F(PoolTest, WatchdogCancelsTheStatementRunningAtTheDeadlineAndThePoolDropsIt) {
  Pool pool = MakePool(1);
  DeadlineWatchdog watchdog;
  const auto deadline = DeadlineWatchdog::Clock::now() + std::chrono::milliseconds(200);
  const TransactionOptions options{.deadline = deadline, .watchdog = &watchdog};
  const auto started = DeadlineWatchdog::Clock::now();
  EXPECT_THROW(RunInTransaction(pool, options,
                                [](Transaction& tx) {
                                  tx.Execute("UPDATE counter SET n = 12");
                                  tx.Execute("SELECT pg_sleep(5)");
                                }),
               QueryCanceled);
  EXPECT_LT(DeadlineWatchdog::Clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(Count(), 0);
  EXPECT_EQ(pool.OpenCount(), 0u);  // a cancel may land late: never reused
}

// A server that no longer answers (frozen, or across a network that drops everything) takes
// no cancel either: the statement's caller must still get its answer soon after the deadline.
TEST_F(PoolTest, AStatementOnAServerThatStoppedAnsweringFailsSoonAfterItsDeadline) {
  Pool pool = MakePool(1);
  PooledConnection connection = pool.Acquire();
  const int backend = connection->Execute("SELECT pg_backend_pid()").Single()[0].As<int>();
  ASSERT_EQ(kill(backend, SIGSTOP), 0);
  const struct Resume {
    int pid;
    ~Resume() { kill(pid, SIGCONT); }
  } resume{backend};
  DeadlineWatchdog watchdog;
  const auto started = DeadlineWatchdog::Clock::now();
  {
    const DeadlineWatchdog::Watch watch(&watchdog, *connection,
                                        started + std::chrono::milliseconds(200));
    EXPECT_THROW(connection->Execute("SELECT 1"), ConnectionLost);
  }
  const auto took = DeadlineWatchdog::Clock::now() - started;
  EXPECT_GE(took, DeadlineWatchdog::kAbandonAfter);
  EXPECT_LT(took, DeadlineWatchdog::kAbandonAfter + std::chrono::seconds(3));
  EXPECT_TRUE(connection->WasCancelled());  // never handed out again
}

TEST_F(PoolTest, WatchThatEndsBeforeItsDeadlineCancelsNothing) {
  Pool pool = MakePool(1);
  DeadlineWatchdog watchdog;
  const auto deadline = DeadlineWatchdog::Clock::now() + std::chrono::milliseconds(100);
  RunInTransaction(pool, {.deadline = deadline, .watchdog = &watchdog},
                   [](Transaction& tx) { tx.Execute("UPDATE counter SET n = 13"); });
  // Not synchronisation: the deadline passes, and a watchdog still holding the connection
  // would cancel it now.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto connection = pool.Acquire();
  EXPECT_FALSE(connection->WasCancelled());
  EXPECT_EQ(connection->Execute("SELECT pg_sleep(0.05), 1").Single()[1].As<int>(), 1);
  EXPECT_EQ(Count(), 13);
}

TEST_F(PoolTest, NoAttemptStartsAfterTheDeadline) {
  Pool pool = MakePool(1);
  int attempts = 0;
  const TransactionOptions options{
      .max_attempts = 100,
      .deadline = DeadlineWatchdog::Clock::now() + std::chrono::milliseconds(150)};
  EXPECT_THROW(RunInTransaction(pool, options,
                                [&](Transaction& tx) {
                                  ++attempts;
                                  tx.Execute("SELECT 1");
                                  throw SerializationFailure(ClientError("again"));
                                }),
               QueryCanceled);
  EXPECT_GT(attempts, 1);
  EXPECT_LT(attempts, 100);
}

TEST_F(PoolTest, ClosedPoolRefusesToLend) {
  Pool pool = MakePool(1);
  pool.Close();
  EXPECT_THROW(pool.Acquire(), PoolExhausted);
}

}  // namespace
}  // namespace nedlia::pg
