#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>

#include "pg/connection.hpp"
#include "pg/errors.hpp"
#include "support/test_database.hpp"

namespace nedlia::pg {
namespace {

using testing::Template;
using testing::TestDatabase;

class ConnectionTest : public ::testing::Test {
 protected:
  TestDatabase database_{Template::kEmpty};
  Connection connection_ = database_.Connect();

  void CreateScratchTables() {
    connection_.ExecuteScript(R"sql(
      CREATE EXTENSION btree_gist;
      CREATE TABLE parent (id INT PRIMARY KEY, name TEXT UNIQUE);
      CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL
                          CONSTRAINT fk_child_parent REFERENCES parent(id),
                          amount INT CONSTRAINT chk_amount CHECK (amount >= 0));
      CREATE TABLE slot (room INT, during INT4RANGE,
                         CONSTRAINT excl_slot EXCLUDE USING gist (room WITH =, during WITH &&));
      INSERT INTO parent VALUES (1, 'one');
    )sql");
  }
};

TEST_F(ConnectionTest, ParametersAreBoundNotSplicedIntoSql) {
  const std::string hostile = "x'); DROP TABLE victim; --";
  connection_.ExecuteScript("CREATE TABLE victim (value TEXT)");
  connection_.Execute("INSERT INTO victim VALUES ($1)", Params(hostile));
  const auto rows = connection_.Execute("SELECT value FROM victim");
  ASSERT_EQ(rows.RowCount(), 1);
  EXPECT_EQ(rows[0][0].As<std::string>(), hostile);
}

TEST_F(ConnectionTest, ValuesRoundTripThroughTheirTypes) {
  const auto uuid = domain::Uuid::NewV7();
  const auto row =
      connection_
          .Execute("SELECT $1::bigint, $2::float8, $3::bool, $4::uuid, $5::text, $6::int",
                   Params(std::int64_t{9007199254740993}, 0.1, true, uuid,
                          std::optional<std::string>(), std::int32_t{-7}))
          .Single();
  auto [big, real, flag, id, missing, small] =
      row.As<std::int64_t, double, bool, domain::Uuid, std::optional<std::string>, int>();
  EXPECT_EQ(big, 9007199254740993);
  EXPECT_EQ(real, 0.1);
  EXPECT_TRUE(flag);
  EXPECT_EQ(id, uuid);
  EXPECT_FALSE(missing.has_value());
  EXPECT_EQ(small, -7);
}

TEST_F(ConnectionTest, ArraysBindAsTheirElementsInOrder) {
  const std::vector<domain::Uuid> ids = {domain::Uuid::NewV7(), domain::Uuid::NewV7()};
  const std::vector<std::string> texts = {"a\"b", "c\\d,e", ""};
  const auto row = connection_
                       .Execute(
                           "SELECT cardinality($1::uuid[]), ($1::uuid[])[1], ($1::uuid[])[2], "
                           "cardinality($2::uuid[]), array_to_string($3::text[], '|')",
                           Params(ids, std::vector<domain::Uuid>(), texts))
                       .Single();
  auto [count, first, second, none, joined] =
      row.As<std::int64_t, domain::Uuid, domain::Uuid, std::int64_t, std::string>();
  EXPECT_EQ(count, 2);
  EXPECT_EQ(first, ids[0]);
  EXPECT_EQ(second, ids[1]);
  EXPECT_EQ(none, 0);
  EXPECT_EQ(joined, "a\"b|c\\d,e|");
}

TEST_F(ConnectionTest, NonFiniteDoublesRoundTrip) {
  const auto row =
      connection_.Execute("SELECT $1::float8, $2::float8", Params(std::nan(""), -HUGE_VAL))
          .Single();
  EXPECT_TRUE(std::isnan(row[0].As<double>()));
  EXPECT_EQ(row[1].As<double>(), -HUGE_VAL);
}

TEST_F(ConnectionTest, NullIntoNonOptionalIsABug) {
  const auto row = connection_.Execute("SELECT NULL::text").Single();
  EXPECT_THROW(row[0].As<std::string>(), UnexpectedNull);
}

TEST_F(ConnectionTest, RowsMapOntoStructs) {
  struct Pair {
    int number;
    std::string word;
  };
  const auto pairs = connection_
                         .Execute(
                             "SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v(n, w) "
                             "ORDER BY n")
                         .AsVectorOf<Pair, int, std::string>();
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[1].number, 2);
  EXPECT_EQ(pairs[1].word, "two");
}

TEST_F(ConnectionTest, PreparedStatementIsReusedAcrossCalls) {
  static constexpr Statement kDouble{"test_double", "SELECT $1::int * 2"};
  EXPECT_EQ(connection_.Execute(kDouble, Params(21)).Single()[0].As<int>(), 42);
  EXPECT_EQ(connection_.Execute(kDouble, Params(4)).Single()[0].As<int>(), 8);
  const auto prepared =
      connection_.Execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_double'");
  EXPECT_EQ(prepared.Single()[0].As<std::int64_t>(), 1);
}

TEST_F(ConnectionTest, DeferredStatementsRunInOrderWithTheNextExecute) {
  CreateScratchTables();
  const Statement insert{"insert_parent", "INSERT INTO parent VALUES ($1, $2)"};
  connection_.Defer(insert, Params(2, "two"));
  connection_.Defer("UPDATE parent SET name = name || '!' WHERE id = $1", Params(2));
  EXPECT_TRUE(connection_.HasDeferred());
  EXPECT_EQ(
      connection_.Execute("SELECT name FROM parent WHERE id = 2").Single()[0].As<std::string>(),
      "two!");
  EXPECT_FALSE(connection_.HasDeferred());
  // Prepared inside the pipeline, reused outside it.
  connection_.Execute(insert, Params(3, "three"));
  EXPECT_EQ(connection_.Execute("SELECT count(*) FROM parent").Single()[0].As<std::int64_t>(), 3);
}

TEST_F(ConnectionTest, DeferredFailureIsThrownByTheNextExecuteAndSkipsTheRest) {
  CreateScratchTables();
  connection_.Defer("INSERT INTO parent VALUES (1, 'again')");  // duplicate key
  connection_.Defer("INSERT INTO parent VALUES (4, 'four')");
  EXPECT_THROW(connection_.Execute("INSERT INTO parent VALUES (5, 'five')"), UniqueViolation);
  EXPECT_TRUE(connection_.IsOpen());  // out of pipeline mode, usable again
  EXPECT_EQ(connection_.Execute("SELECT count(*) FROM parent").Single()[0].As<std::int64_t>(), 1);
}

TEST_F(ConnectionTest, AStatementDeferredTwiceIsPreparedOnce) {
  CreateScratchTables();
  const Statement insert{"insert_parent_twice", "INSERT INTO parent VALUES ($1, $2)"};
  connection_.Defer(insert, Params(10, "ten"));
  connection_.Defer(insert, Params(11, "eleven"));
  EXPECT_EQ(connection_.Execute("SELECT count(*) FROM parent").Single()[0].As<std::int64_t>(), 3);
}

struct DuplicateName : std::runtime_error {
  DuplicateName() : std::runtime_error("that name is taken") {}
};

void DuplicateNameFromUniqueViolation(const Error& error) {
  const auto* unique = dynamic_cast<const UniqueViolation*>(&error);
  if (unique != nullptr && unique->Constraint() == "parent_name_key")
    throw DuplicateName();
}

TEST_F(ConnectionTest, DeferredFailureGoesThroughItsStatementsTranslator) {
  CreateScratchTables();
  const Statement insert{"insert_parent_translated", "INSERT INTO parent VALUES ($1, $2)"};
  connection_.Defer(insert, Params(8, "one"), &DuplicateNameFromUniqueViolation);
  EXPECT_THROW(connection_.Execute("SELECT 1"), DuplicateName);
  // Another statement's failure is not its business.
  connection_.Defer(insert, Params(9, "nine"), &DuplicateNameFromUniqueViolation);
  EXPECT_THROW(connection_.Execute("INSERT INTO parent VALUES (9, 'ninth')"), UniqueViolation);
  // Errors it does not translate pass unchanged (here the primary key, not the name).
  connection_.Defer(insert, Params(1, "uno"), &DuplicateNameFromUniqueViolation);
  EXPECT_THROW(connection_.Execute("SELECT 1"), UniqueViolation);
}

TEST_F(ConnectionTest, DroppedDeferredStatementsAreNeverSent) {
  CreateScratchTables();
  connection_.Defer("INSERT INTO parent VALUES (6, 'six')");
  connection_.DropDeferred();
  EXPECT_EQ(connection_.Execute("SELECT count(*) FROM parent").Single()[0].As<std::int64_t>(), 1);
}

TEST_F(ConnectionTest, ScriptSendsTheDeferredStatementsFirst) {
  CreateScratchTables();
  connection_.Defer("INSERT INTO parent VALUES (7, 'seven')");
  connection_.ExecuteScript("UPDATE parent SET name = 'SEVEN' WHERE id = 7");
  EXPECT_EQ(
      connection_.Execute("SELECT name FROM parent WHERE id = 7").Single()[0].As<std::string>(),
      "SEVEN");
}

TEST_F(ConnectionTest, UniqueViolationCarriesTheConstraintName) {
  CreateScratchTables();
  try {
    connection_.Execute("INSERT INTO parent VALUES (2, 'one')");
    FAIL() << "expected a unique violation";
  } catch (const UniqueViolation& error) {
    EXPECT_EQ(error.Constraint(), "parent_name_key");
    EXPECT_FALSE(error.IsRetryable());
  }
}

TEST_F(ConnectionTest, ForeignKeyViolationIsTyped) {
  CreateScratchTables();
  try {
    connection_.Execute("INSERT INTO child VALUES (1, 99, 1)");
    FAIL() << "expected a foreign key violation";
  } catch (const ForeignKeyViolation& error) {
    EXPECT_EQ(error.Constraint(), "fk_child_parent");
  }
}

TEST_F(ConnectionTest, CheckViolationIsTyped) {
  CreateScratchTables();
  try {
    connection_.Execute("INSERT INTO child VALUES (1, 1, -5)");
    FAIL() << "expected a check violation";
  } catch (const CheckViolation& error) {
    EXPECT_EQ(error.Constraint(), "chk_amount");
  }
}

TEST_F(ConnectionTest, NotNullViolationIsTyped) {
  CreateScratchTables();
  EXPECT_THROW(connection_.Execute("INSERT INTO child VALUES (1, NULL, 1)"), NotNullViolation);
}

TEST_F(ConnectionTest, ExclusionViolationIsTyped) {
  CreateScratchTables();
  connection_.Execute("INSERT INTO slot VALUES (1, '[1,5)')");
  try {
    connection_.Execute("INSERT INTO slot VALUES (1, '[4,8)')");
    FAIL() << "expected an exclusion violation";
  } catch (const ExclusionViolation& error) {
    EXPECT_EQ(error.Constraint(), "excl_slot");
  }
}

TEST_F(ConnectionTest, BadValueIsADataException) {
  EXPECT_THROW(connection_.Execute("SELECT $1::int", Params("twelve")), DataException);
}

TEST_F(ConnectionTest, StatementTimeoutIsQueryCanceled) {
  connection_.ExecuteScript("SET statement_timeout = '50ms'");
  EXPECT_THROW(connection_.Execute("SELECT pg_sleep(2)"), QueryCanceled);
}

TEST_F(ConnectionTest, SerializationFailureIsTypedAndRetryable) {
  connection_.ExecuteScript("CREATE TABLE counter (n INT); INSERT INTO counter VALUES (0)");
  Connection other = database_.Connect();
  connection_.ExecuteScript("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT n FROM counter");
  other.ExecuteScript("UPDATE counter SET n = n + 1");
  try {
    connection_.Execute("UPDATE counter SET n = n + 1");
    FAIL() << "expected a serialization failure";
  } catch (const SerializationFailure& error) {
    EXPECT_TRUE(error.IsRetryable());
  }
}

TEST_F(ConnectionTest, DeadlockIsTypedAndRetryable) {
  connection_.ExecuteScript(
      "CREATE TABLE pair (id INT PRIMARY KEY); INSERT INTO pair VALUES (1), (2)");
  Connection other = database_.Connect();
  connection_.ExecuteScript("SET deadlock_timeout = '100ms'");
  connection_.ExecuteScript("BEGIN; SELECT * FROM pair WHERE id = 1 FOR UPDATE");
  other.ExecuteScript("BEGIN; SELECT * FROM pair WHERE id = 2 FOR UPDATE");
  bool other_deadlocked = false;
  std::thread second([&] {
    try {
      other.Execute("SELECT * FROM pair WHERE id = 1 FOR UPDATE");
    } catch (const DeadlockDetected&) {
      other_deadlocked = true;
    }
  });
  bool this_deadlocked = false;
  try {
    connection_.Execute("SELECT * FROM pair WHERE id = 2 FOR UPDATE");
  } catch (const DeadlockDetected& error) {
    this_deadlocked = error.IsRetryable();
    connection_.ExecuteScript("ROLLBACK");
  }
  second.join();
  EXPECT_TRUE(this_deadlocked || other_deadlocked);
}

TEST_F(ConnectionTest, TerminatedBackendIsConnectionLost) {
  const int pid = connection_.Execute("SELECT pg_backend_pid()").Single()[0].As<int>();
  Connection other = database_.Connect();
  testing::TerminateBackend(other, pid);
  try {
    connection_.Execute("SELECT 1");
    FAIL() << "expected the connection to be lost";
  } catch (const ConnectionLost& error) {
    EXPECT_TRUE(error.IsRetryable());
  }
  EXPECT_FALSE(connection_.IsOpen());
}

TEST_F(ConnectionTest, IsAliveNoticesAServerSideCloseWithoutARoundTrip) {
  EXPECT_TRUE(connection_.IsAlive());
  const int pid = connection_.Execute("SELECT pg_backend_pid()").Single()[0].As<int>();
  Connection admin = database_.Connect();
  testing::TerminateBackend(admin, pid);
  EXPECT_FALSE(connection_.IsAlive());
}

TEST(ConnectionOpenTest, UnreachableServerIsConnectionLost) {
  EXPECT_THROW(Connection::Open("postgresql://nobody@127.0.0.1:1/none", std::chrono::seconds(2)),
               ConnectionLost);
}

}  // namespace
}  // namespace nedlia::pg
