// Delivery while PostgreSQL restarts under load: it resumes by itself, and every committed
// event is handled exactly once. A private cluster: restarting the run's shared server would
// disturb other tests.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stop_token>
#include <thread>

#include "consumers/consumer.hpp"
#include "domain/uuid.hpp"
#include "pg/managed_cluster.hpp"
#include "pg/transaction.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;

class DeliveryRestartTest : public ::testing::Test {
 protected:
  void TearDown() override {
    cluster_.Stop();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                               ("nedlia-delivery-restart-" + domain::Uuid::NewV7().ToString());
  pg::ManagedCluster cluster_{
      pg::ClusterOptions{.dir = dir_, .port = FreeLoopbackPort(), .bin_dir = std::nullopt}};
};

TEST_F(DeliveryRestartTest, DeliveryResumesAfterARestartUnderLoadAndHandlesEveryEventOnce) {
  cluster_.Start();
  const std::string url = cluster_.Url("nedlia");
  const auto migrated =
      RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(url) +
                 " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(SourceDir() + "/migrations") + " " +
                 ShellQuote(NedliaBinary()) + " migrate upgrade head 2>&1");
  ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
  pg::Connection::Open(url).ExecuteScript("CREATE TABLE effects (event_id uuid PRIMARY KEY)");

  std::atomic<bool> writing = true;
  std::atomic<int> written = 0;  // commits the writer saw succeed
  std::thread writer([&] {
    pg::Pool pool({.url = url, .max_size = 1, .acquire_timeout = 2000ms});
    while (writing) {
      try {
        pg::RunInTransaction(pool, {}, [](pg::Transaction& tx) {
          tx.Execute(
              "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) "
              "VALUES ('com.nedlia.test.happened.v1', 'test', gen_random_uuid(), '{}')");
        });
        ++written;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(50ms);  // not synchronisation: down, the writer retries
      }
      std::this_thread::sleep_for(2ms);  // not synchronisation: the load's pace
    }
  });
  std::atomic<int> handled = 0;  // handler calls, rolled back or not
  // The consumer runs as in a worker process (cli/workers.cpp).
  std::jthread consumer_thread([&](std::stop_token stop) {
    pg::Pool pool({.url = url, .max_size = 2, .acquire_timeout = 2000ms});
    consumers::Consumer consumer(
        pool, {.name = "test-consumer", .types = {"com.nedlia.test.happened.v1"}},
        [&handled](const events::StoredEvent& event, pg::Connection& connection) {
          ++handled;
          connection.Execute("INSERT INTO effects VALUES ($1)", pg::Params(event.id));
        });
    consumer.Subscribe();
    consumers::Wakeup wakeup(url);
    const std::stop_callback interrupt(stop, [&wakeup] { wakeup.Interrupt(); });
    consumer.Run(stop, wakeup, 50ms);
  });

  // Under load: events are being written and handled when the server goes.
  EXPECT_TRUE(WaitFor([&] { return written >= 100 && handled >= 10; }, 30s));
  cluster_.Stop();  // fast shutdown: every connection is cut, batches in flight roll back
  std::this_thread::sleep_for(500ms);  // not synchronisation: the outage lasts this long
  cluster_.Start();
  const int before_restart = written;
  EXPECT_TRUE(WaitFor([&] { return written >= before_restart + 100; }, 30s))
      << "the writer did not resume";
  writing = false;
  writer.join();

  pg::Connection sql = pg::Connection::Open(url);
  auto count = [&](const char* query) { return sql.Execute(query).Single()[0].As<std::int64_t>(); };
  const std::int64_t events = count("SELECT count(*) FROM event_log");
  WaitFor([&] { return count("SELECT count(*) FROM effects") >= events; }, 30s);
  consumer_thread.request_stop();
  consumer_thread.join();

  EXPECT_GT(events, 100);
  EXPECT_EQ(count("SELECT count(*) FROM effects"), events);
  EXPECT_EQ(count("SELECT count(*) FROM processed_events"), events);
  EXPECT_EQ(count("SELECT count(*) FROM event_dead_letters"), 0);
}

}  // namespace
}  // namespace nedlia::testing
