// The pool and RunInTransaction heal by themselves when the server restarts. This test runs
// its own private cluster, since restarting the run's shared server would disturb other tests.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "domain/uuid.hpp"
#include "pg/managed_cluster.hpp"
#include "pg/pool.hpp"
#include "pg/transaction.hpp"
#include "support/test_database.hpp"

namespace nedlia::pg {
namespace {

class ReconnectTest : public ::testing::Test {
 protected:
  void TearDown() override {
    cluster_.Stop();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("nedlia-reconnect-" + domain::Uuid::NewV7().ToString());
  ManagedCluster cluster_{
      ClusterOptions{.dir = dir_, .port = testing::FreeLoopbackPort(), .bin_dir = std::nullopt}};
};

TEST_F(ReconnectTest, PoolAndTransactionsRecoverAfterTheServerRestarts) {
  cluster_.Start();
  Pool pool(PoolOptions{.url = cluster_.Url("nedlia"),
                        .max_size = 2,
                        .acquire_timeout = std::chrono::milliseconds(2000),
                        .connect_timeout = std::chrono::seconds(5)});
  RunInTransaction(pool, {}, [](Transaction& tx) {
    tx.Execute("CREATE TABLE kept (n INT)");
    tx.Execute("INSERT INTO kept VALUES (1)");
  });
  {
    auto warm = pool.Acquire();  // leave an idle connection that the restart will break
    warm->Execute("SELECT 1");
  }

  cluster_.Stop();
  cluster_.Start();

  const int count = RunInTransaction(pool, {}, [](Transaction& tx) {
    tx.Execute("INSERT INTO kept VALUES (2)");
    return static_cast<int>(tx.Execute("SELECT count(*) FROM kept").Single()[0].As<std::int64_t>());
  });
  EXPECT_EQ(count, 2);
  auto connection = pool.Acquire();
  EXPECT_TRUE(connection->IsAlive());
}

TEST_F(ReconnectTest, TransactionWaitsOutABriefOutage) {
  cluster_.Start();
  Pool pool(PoolOptions{.url = cluster_.Url("nedlia"),
                        .max_size = 1,
                        .acquire_timeout = std::chrono::milliseconds(2000),
                        .connect_timeout = std::chrono::seconds(2)});
  cluster_.Stop();
  std::thread restart([this] {
    // Not synchronisation: the outage lasts this long, and the transaction waits it out.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    cluster_.Start();
  });
  // Connection failures before COMMIT are retried with backoff; the default five attempts span
  // the restart only with a generous attempt budget, so give it one.
  const TransactionOptions patient{
      .isolation = IsolationLevel::kReadCommitted, .read_only = false, .max_attempts = 60};
  int answer = 0;
  try {
    answer = RunInTransaction(pool, patient, [](Transaction& tx) {
      return tx.Execute("SELECT 42").Single()[0].As<int>();
    });
  } catch (...) {
    restart.join();
    throw;
  }
  restart.join();
  EXPECT_EQ(answer, 42);
}

}  // namespace
}  // namespace nedlia::pg
