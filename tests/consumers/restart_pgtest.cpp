// Delivery while PostgreSQL restarts under load: it resumes by itself, and every committed
// event is handled exactly once. A private cluster: restarting the run's shared server would
// disturb other tests.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "domain/uuid.hpp"
#include "pg/managed_cluster.hpp"
#include "support/event_load.hpp"
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

  EventWriter writer(url);
  std::atomic<int> handled = 0;
  std::jthread consumer = RunRecordingConsumer(url, handled);

  // Under load: events are being written and handled when the server goes.
  EXPECT_TRUE(WaitFor([&] { return writer.Written() >= 100 && handled >= 10; }, 30s));
  cluster_.Stop();  // fast shutdown: every connection is cut, batches in flight roll back
  std::this_thread::sleep_for(500ms);  // not synchronisation: the outage lasts this long
  cluster_.Start();
  const int before_restart = writer.Written();
  EXPECT_TRUE(WaitFor([&] { return writer.Written() >= before_restart + 100; }, 30s))
      << "the writer did not resume";
  writer.Stop();

  pg::Connection sql = pg::Connection::Open(url);
  auto count = [&](const char* query) { return sql.Execute(query).Single()[0].As<std::int64_t>(); };
  const std::int64_t events = count("SELECT count(*) FROM event_log");
  WaitFor([&] { return count("SELECT count(*) FROM effects") >= events; }, 30s);
  consumer.request_stop();
  consumer.join();

  EXPECT_GT(events, 100);
  EXPECT_EQ(count("SELECT count(*) FROM effects"), events);
  EXPECT_EQ(count("SELECT count(*) FROM processed_events"), events);
  EXPECT_EQ(count("SELECT count(*) FROM event_dead_letters"), 0);
}

}  // namespace
}  // namespace nedlia::testing
