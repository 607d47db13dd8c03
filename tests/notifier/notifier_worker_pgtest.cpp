// The notifier as deployed: the real `nedlia worker notifier` process, configured by its
// environment only, sending to a receiver on loopback.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <optional>

#include "process/subprocess.hpp"
#include "support/api_fixture.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"
#include "support/webhook_receiver.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class NotifierWorkerTest : public ::testing::Test {
 protected:
  NotifierWorkerTest() {
    const std::string advertiser = api_.NewAdvertiser("acme");
    const auto webhook = api_.Call("POST", "/v1/webhooks",
                                   json{{"advertiser_id", advertiser},
                                        {"url", receiver_.Url("/hook")},
                                        {"event_types", {"com.nedlia.campaign.created.v1"}}});
    EXPECT_EQ(webhook.status, 201) << webhook.raw;
    receiver_.SetSecret("/hook", webhook.body["data"]["secret"].get<std::string>());
    const auto campaign = api_.Call("POST", "/v1/campaigns",
                                    json{{"advertiser_id", advertiser},
                                         {"name", "Summer"},
                                         {"budget", 100},
                                         {"currency", "USD"},
                                         {"start_date", "2026-06-01"},
                                         {"end_date", "2026-08-31"}});
    EXPECT_EQ(campaign.status, 201) << campaign.raw;
  }

  /// Starts `nedlia worker notifier` in `environment` (unset: the default, development).
  void StartWorker(const std::optional<std::string>& environment) {
    process::RunOptions options;
    options.environment = {{"NEDLIA_DATABASE_URL", api_.Database().Url()},
                           {"NEDLIA_EVENT_POLL_MS", "100"},
                           {"NEDLIA_WEBHOOK_RETRY_SCHEDULE", "100ms,100ms,100ms"},
                           {"NEDLIA_LOG_LEVEL", "warn"}};
    if (environment)
      options.environment.emplace_back("NEDLIA_ENVIRONMENT", *environment);
    options.output = process::Output::kDiscard;
    worker_.emplace(process::Subprocess::Start({NedliaBinary(), "worker", "notifier"}, options));
  }

  void StopWorker() {
    ASSERT_EQ(::kill(worker_->Pid(), SIGTERM), 0);
    const process::RunResult stopped = worker_->Wait(15s);
    EXPECT_FALSE(stopped.timed_out);
    EXPECT_EQ(stopped.exit_code, 0);  // under ThreadSanitizer, 66 after a report
    worker_.reset();
  }

  /// Waits until `sql` counts at least one row; false after 15 s.
  bool WaitForRow(const std::string& sql) const {
    return WaitFor([&] { return api_.Count(sql) > 0; }, 15s);
  }

  ApiFixture api_;
  WebhookReceiver receiver_;
  std::optional<process::Subprocess> worker_;
};

TEST_F(NotifierWorkerTest, ProductionRefusesLoopbackReceiversAndDevelopmentReachesThem) {
  StartWorker("production");
  EXPECT_TRUE(WaitForRow("SELECT count(*) FROM webhook_deliveries WHERE error = 'address_refused'"))
      << api_.QueryText("SELECT coalesce(string_agg(error, ','), 'none') FROM webhook_deliveries");
  StopWorker();
  EXPECT_TRUE(receiver_.Received("/hook").empty()) << "production sent nothing to loopback";

  StartWorker(std::nullopt);
  EXPECT_TRUE(receiver_.WaitFor("/hook", 1, 15s)) << "development reaches a local receiver";
  EXPECT_TRUE(WaitForRow("SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'"));
  StopWorker();
  EXPECT_TRUE(receiver_.Received("/hook").at(0).signature_valid);
}

}  // namespace
}  // namespace nedlia::testing
