// Reads shared over a few pipelined connections, against a real PostgreSQL: each caller gets
// its own answer or its own error, a connection the server dropped is replaced without the
// callers noticing, and a caller's deadline holds even while the server is busy.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pg/connection.hpp"
#include "pg/errors.hpp"
#include "pg/shared_reader.hpp"
#include "process/fiber.hpp"
#include "support/fiber_loop.hpp"
#include "support/test_database.hpp"

namespace nedlia::pg {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Template;
using testing::TestDatabase;

const Statement kSquare{"shared_reader_square", "SELECT $1::int8 * $1::int8"};
// Fails (division by zero) when $1 is 0, as a statement of one caller among many.
const Statement kInverse{"shared_reader_inverse", "SELECT 1000 / $1::int8"};

class SharedReaderTest : public ::testing::Test {
 protected:
  Clock::time_point Soon() const { return Clock::now() + std::chrono::seconds(10); }

  /// A statement that keeps the reader's only lane busy until the statement timeout cancels it.
  std::thread HoldTheLane(SharedReader& reader) const {
    std::thread slow([this, &reader] {
      try {
        reader.Execute({.name = {}, .sql = "SELECT pg_sleep(30)"}, {}, Soon());
      } catch (const QueryCanceled&) {
        // the server's statement timeout
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the sleep is on the lane
    return slow;
  }

  TestDatabase database_{Template::kEmpty};
  Connection admin_ = database_.Connect();
};

TEST_F(SharedReaderTest, ManyCallersEachGetTheirOwnAnswerInFewerRoundTrips) {
  SharedReader reader({.url = database_.Url(), .lanes = 1});
  constexpr std::int64_t kThreads = 16, kReads = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  callers.reserve(kThreads);
  for (std::int64_t t = 0; t < kThreads; ++t) {
    callers.emplace_back([&, t] {
      for (std::int64_t n = t * kReads; n < (t + 1) * kReads; ++n) {
        const Result rows = reader.Execute(kSquare, Params(n), Soon());
        if (rows.Single()[0].As<std::int64_t>() != n * n)
          ++wrong;
      }
    });
  }
  for (std::thread& caller : callers)
    caller.join();
  EXPECT_EQ(wrong.load(), 0);
  const SharedReader::Stats totals = reader.Totals();
  EXPECT_EQ(totals.statements, static_cast<std::uint64_t>(kThreads * kReads));
  EXPECT_LT(totals.batches, totals.statements) << "statements travelled together";
}

TEST_F(SharedReaderTest, OneCallersErrorLeavesTheOthersInItsBatchBe) {
  SharedReader reader({.url = database_.Url(), .lanes = 1});
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  callers.reserve(8);
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      for (std::int64_t n = 0; n < 100; ++n) {
        const std::int64_t divisor = (n + t) % 5;  // every fifth read fails
        try {
          const Result rows = reader.Execute(kInverse, Params(divisor), Soon());
          if (divisor == 0 || rows.Single()[0].As<std::int64_t>() != 1000 / divisor)
            ++wrong;
        } catch (const DataException&) {
          if (divisor != 0)
            ++wrong;
        }
      }
    });
  }
  for (std::thread& caller : callers)
    caller.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_F(SharedReaderTest, UnnamedStatementsRunToo) {
  SharedReader reader({.url = database_.Url()});
  const Result rows = reader.Execute({.name = {}, .sql = "SELECT $1::text || '!'"},
                                     Params(std::string("shared")), Soon());
  EXPECT_EQ(rows.Single()[0].As<std::string>(), "shared!");
}

TEST_F(SharedReaderTest, EachStatementSeesWhatWasCommittedWhenItRan) {
  admin_.ExecuteScript("CREATE TABLE counter (value int8); INSERT INTO counter VALUES (1)");
  SharedReader reader({.url = database_.Url()});
  const Statement read{"shared_reader_counter", "SELECT value FROM counter"};
  EXPECT_EQ(reader.Execute(read, {}, Soon()).Single()[0].As<std::int64_t>(), 1);
  admin_.ExecuteScript("UPDATE counter SET value = 2");
  EXPECT_EQ(reader.Execute(read, {}, Soon()).Single()[0].As<std::int64_t>(), 2);
}

TEST_F(SharedReaderTest, AConnectionTheServerDroppedIsReplacedWithoutFailingTheRead) {
  SharedReader reader({.url = database_.Url()});
  ASSERT_EQ(reader.Execute(kSquare, Params(std::int64_t{3}), Soon()).Single()[0].As<int>(), 9);
  const Result backends = admin_.Execute(
      "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() "
      "AND backend_type = 'client backend'",
      Params(database_.Name()));
  ASSERT_EQ(backends.RowCount(), 1);
  testing::TerminateBackend(admin_, backends[0][0].As<int>());
  EXPECT_EQ(reader.Execute(kSquare, Params(std::int64_t{4}), Soon()).Single()[0].As<int>(), 16);
}

TEST_F(SharedReaderTest, ACallerGivesUpAtItsDeadlineAndLaterReadsGoOn) {
  SharedReader reader(
      {.url = database_.Url(), .lanes = 1, .statement_timeout = std::chrono::milliseconds(1500)});
  std::thread slow = HoldTheLane(reader);
  const Clock::time_point started = Clock::now();
  EXPECT_THROW(
      reader.Execute(kSquare, Params(std::int64_t{5}), started + std::chrono::milliseconds(300)),
      QueryCanceled);
  const auto waited = Clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::milliseconds(1000)) << "the caller did not wait for the lane";
  slow.join();  // cancelled by the statement timeout
  EXPECT_EQ(reader.Execute(kSquare, Params(std::int64_t{6}), Soon()).Single()[0].As<int>(), 36);
}

// Requests' fibers on one event loop: each waits for its answer with the loop free, and is
// woken on the loop; none blocks it.
TEST_F(SharedReaderTest, FibersOnOneLoopEachGetTheirOwnAnswerWithoutBlockingIt) {
  SharedReader reader({.url = database_.Url(), .lanes = 1});
  testing::TestLoop loop;
  constexpr std::int64_t kFibers = 300;
  int ended = 0;
  int wrong = 0;
  int off_loop = 0;
  const std::thread::id loop_thread = std::this_thread::get_id();
  for (std::int64_t n = 0; n < kFibers; ++n) {
    process::StartFiber(std::make_unique<testing::TestHost>(loop), [&, n] {
      const Result rows = reader.Execute(kSquare, Params(n), Soon());
      wrong += rows.Single()[0].As<std::int64_t>() == n * n ? 0 : 1;
      off_loop += std::this_thread::get_id() == loop_thread ? 0 : 1;
      ++ended;
    });
  }
  EXPECT_LT(ended, kFibers) << "the fibers wait for the database: they do not block the loop";
  ASSERT_TRUE(loop.RunUntil([&] { return ended == kFibers; }, std::chrono::seconds(20)));
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(off_loop, 0);
  EXPECT_LT(reader.Totals().batches, reader.Totals().statements);
}

TEST_F(SharedReaderTest, AFiberGivesUpAtItsDeadlineWhileTheLaneIsBusy) {
  SharedReader reader(
      {.url = database_.Url(), .lanes = 1, .statement_timeout = std::chrono::milliseconds(1500)});
  std::thread slow = HoldTheLane(reader);
  testing::TestLoop loop;
  bool canceled = false;
  bool ended = false;
  const Clock::time_point started = Clock::now();
  process::StartFiber(std::make_unique<testing::TestHost>(loop), [&] {
    try {
      reader.Execute(kSquare, Params(std::int64_t{5}), started + std::chrono::milliseconds(300));
    } catch (const QueryCanceled&) {
      canceled = true;
    }
    ended = true;
  });
  ASSERT_TRUE(loop.RunUntil([&] { return ended; }));
  const auto waited = Clock::now() - started;
  EXPECT_TRUE(canceled);
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::milliseconds(1000)) << "the fiber did not wait for the lane";
  slow.join();
  // Its statement was still queued: it was withdrawn, and the lane goes on.
  EXPECT_EQ(reader.Execute(kSquare, Params(std::int64_t{6}), Soon()).Single()[0].As<int>(), 36);
}

TEST_F(SharedReaderTest, AConnectionThroughTheReaderRefusesWhatNeedsASession) {
  SharedReader reader({.url = database_.Url()});
  Connection connection = Connection::Through(reader, Soon());
  EXPECT_EQ(connection.Execute(kSquare, Params(std::int64_t{7})).Single()[0].As<int>(), 49);
  EXPECT_EQ(connection.Execute("SELECT 8").Single()[0].As<int>(), 8);
  EXPECT_THROW(connection.ExecuteScript("SELECT 1"), std::logic_error);
  EXPECT_THROW(connection.Defer("SELECT 1"), std::logic_error);
}

TEST_F(SharedReaderTest, AnUnreachableServerFailsTheReadAsConnectionLost) {
  SharedReader reader({.url = "postgresql://127.0.0.1:1/nothing"});
  EXPECT_THROW(reader.Execute(kSquare, Params(std::int64_t{1}), Soon()), ConnectionLost);
}

}  // namespace
}  // namespace nedlia::pg
