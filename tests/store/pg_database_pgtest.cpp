// The Database port over PostgreSQL: what the application sees when the database cannot do
// the work.
#include <gtest/gtest.h>

#include "app/errors.hpp"
#include "pg/errors.hpp"
#include "store/pg_database.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

TEST(PgDatabaseTest, ContentionThatOutlastsEveryRetryIsUnavailableNotAnInternalError) {
  TestDatabase database;
  pg::Pool pool({.url = database.Url(), .max_size = 1});
  store::PgDatabase store(pool, {});
  int attempts = 0;
  try {
    store.Write(app::CallContext{}, [&](app::Transaction&) {
      ++attempts;
      throw pg::DeadlockDetected({.sqlstate = "40P01", .message = "deadlock detected"});
    });
    FAIL() << "no error";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kUnavailable);
  }
  EXPECT_GT(attempts, 1);  // it was retried first
}

TEST(PgDatabaseTest, AServerThatTakesNoWritesIsUnavailableNotAnInternalError) {
  TestDatabase database;
  pg::Pool pool({.url = database.Url(), .max_size = 1});
  store::PgDatabase store(pool, {});
  try {
    store.Write(app::CallContext{}, [&](app::Transaction&) {
      throw pg::ReadOnlyServer({.sqlstate = "25006",
                                .message = "cannot execute INSERT in a read-only transaction",
                                .server_read_only = true});
    });
    FAIL() << "no error";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kUnavailable);
  }
}

TEST(PgDatabaseTest, UnreachableDatabaseIsUnavailable) {
  pg::Pool pool({.url = "postgresql://nedlia@127.0.0.1:1/none", .max_size = 1});
  store::PgDatabase store(pool, {});
  try {
    store.Read([](app::Transaction&) {});
    FAIL() << "no error";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kUnavailable);
  }
}

}  // namespace
}  // namespace nedlia::testing
