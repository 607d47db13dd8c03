// The API key cache against a real database: unknown keys remembered apart and bounded, one
// query per key however many ask at once, and no more than two unknown keys at the database.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "app/api_key_cache.hpp"
#include "app/api_keys.hpp"
#include "app/errors.hpp"
#include "pg/pool.hpp"
#include "repositories/pg_database.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using Clock = std::chrono::steady_clock;

/// A well-shaped key that was never issued (so also a hash nobody has).
std::string MadeUpHash(int n) {
  return app::HashSecret("nedlia_" + std::string(42, 'A') + std::to_string(n % 10));
}

/// Runs `fn` on a thread; what it returned or the kind of app::Error it threw.
struct Outcome {
  std::optional<app::Principal> principal;
  std::optional<app::ErrorKind> error;
};

class ApiKeyCacheTest : public ::testing::Test {
 protected:
  ApiKeyCacheTest()
      : pool_({.url = database_.Url(), .max_size = 8}),
        store_(pool_, {.environment = "test", .platform_version = "test"}),
        sql_(database_.Connect()) {}

  app::ApiKeyCache& Cache(app::ApiKeyCacheOptions options = {}) {
    options.now = [this] { return now_; };
    cache_ = std::make_unique<app::ApiKeyCache>(store_, std::move(options), registry_);
    return *cache_;
  }

  std::string IssuedHash() {
    std::string hash;
    store_.Write(app::CallContext{}, [&](app::Transaction& tx) {
      hash = app::HashSecret(app::CreateApiKey(tx, app::Role::kAdmin, std::nullopt, "k").secret);
    });
    return hash;
  }

  std::uint64_t Counter(const std::string& name) { return registry_.GetCounter(name, "").Value(); }

  /// Looks `hash` up on a thread of its own (joined by the caller).
  std::thread LookUp(const std::string& hash, Outcome& outcome) {
    return std::thread([this, hash, &outcome] {
      try {
        outcome.principal = cache_->Lookup(hash);
      } catch (const app::Error& error) {
        outcome.error = error.Kind();
      }
    });
  }

  /// Holds every lookup of api_keys until the returned connection commits.
  pg::Connection LockKeys() {
    pg::Connection locker = database_.Connect();
    locker.ExecuteScript("BEGIN; LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
    return locker;
  }

  /// Waits until `count` sessions wait for a lock on this database.
  bool LookupsWaiting(int count) {
    return WaitFor([&] {
      return sql_.Execute(
                     "SELECT count(*) FROM pg_stat_activity "
                     "WHERE datname = current_database() AND wait_event_type = 'Lock'")
                 .Single()[0]
                 .As<std::int64_t>() >= count;
    });
  }

  TestDatabase database_;
  metrics::Registry registry_;
  pg::Pool pool_;
  repositories::PgDatabase store_;
  pg::Connection sql_;
  Clock::time_point now_ = Clock::now();
  std::unique_ptr<app::ApiKeyCache> cache_;
};

TEST_F(ApiKeyCacheTest, AnUnknownKeyIsRefusedFromMemoryUntilItsShortTtlPasses) {
  app::ApiKeyCache& cache = Cache({.unknown_ttl = std::chrono::seconds(3)});
  const std::string unknown = MadeUpHash(1);
  EXPECT_EQ(cache.Lookup(unknown), std::nullopt);
  EXPECT_EQ(cache.Lookup(unknown), std::nullopt);
  EXPECT_EQ(Counter("nedlia_api_key_lookups_total"), 1U);
  EXPECT_EQ(Counter("nedlia_api_key_negative_cache_hits_total"), 1U);
  now_ += std::chrono::seconds(3);
  EXPECT_EQ(cache.Lookup(unknown), std::nullopt);
  EXPECT_EQ(Counter("nedlia_api_key_lookups_total"), 2U);
}

TEST_F(ApiKeyCacheTest, AFloodOfUnknownKeysCannotPushOutAFoundKey) {
  app::ApiKeyCache& cache = Cache({.max_known = 4, .max_unknown = 4});
  const std::string known = IssuedHash();
  ASSERT_NE(cache.Lookup(known), std::nullopt);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(cache.Lookup(app::HashSecret("garbage " + std::to_string(i))), std::nullopt);
  const std::uint64_t lookups = Counter("nedlia_api_key_lookups_total");
  EXPECT_NE(cache.Lookup(known), std::nullopt);
  EXPECT_EQ(Counter("nedlia_api_key_lookups_total"), lookups) << "still cached";
  EXPECT_EQ(cache.Check(known).standing, app::KeyStanding::kValid);
}

TEST_F(ApiKeyCacheTest, MoreThanTwoUnknownKeysAtTheDatabaseAreShedAtOnce) {
  Cache();
  pg::Connection locker = LockKeys();
  std::vector<Outcome> outcomes(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.push_back(LookUp(app::HashSecret("made up " + std::to_string(i)), outcomes[i]));
  ASSERT_TRUE(LookupsWaiting(2));
  // The four beyond the limit were answered without waiting for the database.
  EXPECT_TRUE(WaitFor([&] { return Counter("nedlia_api_key_lookups_shed_total") >= 4; }));
  EXPECT_EQ(Counter("nedlia_api_key_lookups_shed_total"), 4U);
  locker.ExecuteScript("COMMIT");
  for (std::thread& thread : threads)
    thread.join();
  int shed = 0;
  for (const Outcome& outcome : outcomes) {
    EXPECT_EQ(outcome.principal, std::nullopt);
    shed += outcome.error == app::ErrorKind::kUnavailable ? 1 : 0;
  }
  EXPECT_EQ(shed, 4);
  EXPECT_EQ(Counter("nedlia_api_key_lookups_total"), 2U);
}

TEST_F(ApiKeyCacheTest, ConcurrentLookupsOfOneKeyShareOneQuery) {
  Cache();
  const std::string hash = MadeUpHash(2);
  pg::Connection locker = LockKeys();
  std::vector<Outcome> outcomes(5);
  std::vector<std::thread> threads;
  for (Outcome& outcome : outcomes)
    threads.push_back(LookUp(hash, outcome));
  ASSERT_TRUE(LookupsWaiting(1));
  locker.ExecuteScript("COMMIT");
  for (std::thread& thread : threads)
    thread.join();
  for (const Outcome& outcome : outcomes)
    EXPECT_EQ(outcome.error, std::nullopt) << "none shed";
  EXPECT_EQ(Counter("nedlia_api_key_lookups_total"), 1U);
}

TEST_F(ApiKeyCacheTest, AFoundKeyIsLookedUpAgainEvenWhileUnknownOnesFillTheLimit) {
  Cache({.ttl = std::chrono::seconds(5)});
  const std::string known = IssuedHash();
  ASSERT_NE(cache_->Lookup(known), std::nullopt);
  now_ += std::chrono::seconds(5);  // its entry expired: the next request asks again
  pg::Connection locker = LockKeys();
  Outcome first, second, refresh;
  std::thread a = LookUp(MadeUpHash(3), first);
  std::thread b = LookUp(MadeUpHash(4), second);
  ASSERT_TRUE(LookupsWaiting(2));
  std::thread c = LookUp(known, refresh);
  ASSERT_TRUE(LookupsWaiting(3)) << "the found key waits for the database, it is not shed";
  locker.ExecuteScript("COMMIT");
  a.join();
  b.join();
  c.join();
  EXPECT_NE(refresh.principal, std::nullopt);
  EXPECT_EQ(Counter("nedlia_api_key_lookups_shed_total"), 0U);
}

TEST_F(ApiKeyCacheTest, RevalidationAsksOnceForEveryExpiredKeyAndLearnsRevocations) {
  Cache({.ttl = std::chrono::seconds(5)});
  const std::string kept = IssuedHash();
  const std::string revoked = IssuedHash();
  const std::string fresh = IssuedHash();
  ASSERT_NE(cache_->Lookup(kept), std::nullopt);
  ASSERT_NE(cache_->Lookup(revoked), std::nullopt);
  now_ += std::chrono::seconds(5);
  ASSERT_NE(cache_->Lookup(fresh), std::nullopt);
  sql_.Execute("UPDATE api_keys SET revoked_at = now() WHERE secret_hash = $1",
               pg::Params(revoked));
  EXPECT_EQ(cache_->Check(revoked).standing, app::KeyStanding::kExpired);
  cache_->Revalidate({kept, revoked, fresh, kept});
  EXPECT_EQ(Counter("nedlia_api_key_revalidation_queries_total"), 1U);
  EXPECT_EQ(cache_->Check(kept).standing, app::KeyStanding::kValid);
  EXPECT_EQ(cache_->Check(revoked).standing, app::KeyStanding::kRevoked);
  EXPECT_EQ(cache_->Check(fresh).standing, app::KeyStanding::kValid);
  cache_->Revalidate({kept, fresh});
  EXPECT_EQ(Counter("nedlia_api_key_revalidation_queries_total"), 1U) << "nothing expired";
}

// After a restart every key is new to the cache: without the refresh, a burst of real clients
// with different keys was shed beyond the first two, as if it were a flood of made-up keys.
TEST_F(ApiKeyCacheTest, AfterARefreshABurstOfRealKeysIsNeverShed) {
  std::vector<std::string> hashes;
  for (int i = 0; i < 6; ++i)
    hashes.push_back(IssuedHash());
  Cache().Refresh();
  pg::Connection locker = LockKeys();  // any lookup that reached the database would hang
  for (const std::string& hash : hashes)
    EXPECT_NE(cache_->Lookup(hash), std::nullopt);
  locker.ExecuteScript("COMMIT");
  EXPECT_EQ(Counter("nedlia_api_key_lookups_total"), 0U);
  EXPECT_EQ(Counter("nedlia_api_key_lookups_shed_total"), 0U);
}

TEST_F(ApiKeyCacheTest, ARefreshForgetsARevokedKeyAtOnceAndKeepsTheOthersValid) {
  Cache({.ttl = std::chrono::seconds(5)});
  const std::string kept = IssuedHash();
  const std::string revoked = IssuedHash();
  cache_->Refresh();
  sql_.Execute("UPDATE api_keys SET revoked_at = now() WHERE secret_hash = $1",
               pg::Params(revoked));
  now_ += std::chrono::seconds(4);
  cache_->Refresh();
  EXPECT_EQ(cache_->Check(revoked).standing, app::KeyStanding::kRevoked);
  now_ += std::chrono::seconds(4);  // past the first refresh's TTL, within the second's
  EXPECT_EQ(cache_->Check(kept).standing, app::KeyStanding::kValid);
}

}  // namespace
}  // namespace nedlia::testing
