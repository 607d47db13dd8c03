// The Database port over PostgreSQL: what the application sees when the database cannot do
// the work.
#include <gtest/gtest.h>

#include "app/errors.hpp"
#include "pg/errors.hpp"
#include "repositories/pg_database.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

TEST(PgDatabaseTest, ContentionThatOutlastsEveryRetryIsUnavailableNotAnInternalError) {
  TestDatabase database;
  pg::Pool pool({.url = database.Url(), .max_size = 1});
  repositories::PgDatabase store(pool, {});
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
  repositories::PgDatabase store(pool, {});
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

// The connection broke while COMMIT was in flight (the database restarted, or was lost): the
// change may or may not be there. Not an internal error: the client retries with its
// Idempotency-Key or If-Match, which makes the retry safe whichever way it went.
TEST(PgDatabaseTest, ACommitWhoseOutcomeIsUnknownIsUnavailableNotAnInternalError) {
  TestDatabase database;
  pg::Pool pool({.url = database.Url(), .max_size = 1});
  repositories::PgDatabase store(pool, {});
  int attempts = 0;
  try {
    store.Write(app::CallContext{}, [&](app::Transaction&) {
      ++attempts;
      throw pg::TransactionInDoubt({.message = "server closed the connection unexpectedly"});
    });
    FAIL() << "no error";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kUnavailable);
    EXPECT_NE(std::string(error.what()).find("may or may not"), std::string::npos) << error.what();
  }
  EXPECT_EQ(attempts, 1);  // never retried blindly
}

// Reads by key travel on the shared reader's connections and see every committed write, as
// reads on the pool do; a lookup that needs a session of its own is refused there, loudly.
TEST(PgDatabaseTest, ReadsByKeyThroughASharedReaderSeeWhatWasCommitted) {
  TestDatabase database;
  pg::Pool pool({.url = database.Url(), .max_size = 1});
  pg::SharedReader reader({.url = database.Url()});
  repositories::PgDatabase store(pool, {});
  store.ShareKeyReadsThrough(&reader);
  const domain::Uuid id = domain::Uuid::NewV7();
  store.Write(app::CallContext{}, [&](app::Transaction& tx) {
    tx.Advertisers().Insert({.id = id, .name = "Shared", .contact_email = "shared@example.com"});
  });
  const std::optional<domain::Advertiser> found = store.ReadByKey(
      [&](app::Transaction& tx) { return tx.Advertisers().Find(id, app::RowLock::kNone); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Shared");
  EXPECT_EQ(reader.Totals().statements, 1u) << "the read went through the shared reader";
}

TEST(PgDatabaseTest, AReadByKeyOnAnUnreachableSharedReaderIsUnavailable) {
  pg::Pool pool({.url = "postgresql://nedlia@127.0.0.1:1/none", .max_size = 1});
  pg::SharedReader reader({.url = "postgresql://nedlia@127.0.0.1:1/none"});
  repositories::PgDatabase store(pool, {});
  store.ShareKeyReadsThrough(&reader);
  try {
    store.ReadByKey([](app::Transaction& tx) {
      return tx.Advertisers().Find(domain::Uuid::NewV7(), app::RowLock::kNone);
    });
    FAIL() << "no error";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kUnavailable);
  }
}

TEST(PgDatabaseTest, UnreachableDatabaseIsUnavailable) {
  pg::Pool pool({.url = "postgresql://nedlia@127.0.0.1:1/none", .max_size = 1});
  repositories::PgDatabase store(pool, {});
  try {
    store.Read([](app::Transaction&) {});
    FAIL() << "no error";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kUnavailable);
  }
}

}  // namespace
}  // namespace nedlia::testing
