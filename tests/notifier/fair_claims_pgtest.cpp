// How the notifier's senders share out deliveries: one in flight per webhook and a bounded
// number per advertiser, even with many senders claiming at the same instant, so that one
// tenant's slow receivers never hold every sender.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <map>
#include <thread>

#include "notifier/delivery_queue.hpp"
#include "notifier/notifier.hpp"
#include "pg/pool.hpp"
#include "support/api_fixture.hpp"
#include "support/wait_for.hpp"
#include "support/webhook_receiver.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr int kClaimers = 8;

class FairClaimsTest : public ::testing::Test {
 protected:
  FairClaimsTest() : pool_({.url = api_.Database().Url(), .max_size = kClaimers + 2}) {}

  /// A webhook of `advertiser` at `url`.
  std::string NewWebhook(const std::string& advertiser, const std::string& url) {
    const auto reply = api_.Call("POST", "/v1/webhooks",
                                 json{{"advertiser_id", advertiser},
                                      {"url", url},
                                      {"event_types", {"com.nedlia.campaign.created.v1"}}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  /// A delivery to `webhook` due since `age` ago (older ones are claimed first).
  void DueDelivery(const std::string& webhook, milliseconds age) {
    api_.Sql().Execute(
        "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, "
        "created_at, next_attempt_at) SELECT gen_random_uuid(), $1, gen_random_uuid(), "
        "'com.nedlia.campaign.created.v1', '{}', due, due "
        "FROM (SELECT now() - $2::int8 * interval '1 millisecond' AS due) d",
        pg::Params(domain::Uuid::Parse(webhook), static_cast<std::int64_t>(age.count())));
  }

  /// `kClaimers` threads claim at the same instant, once each; the claims per webhook.
  std::map<std::string, int> ClaimAtOnce(const notifier::SenderOptions& options) {
    notifier::DeliveryQueue queue(pool_, options);
    std::latch start(kClaimers);
    std::mutex mutex;
    std::map<std::string, int> claims;
    std::vector<std::thread> claimers;
    for (int i = 0; i < kClaimers; ++i) {
      claimers.emplace_back([&] {
        start.arrive_and_wait();
        const auto claimed = queue.Claim();
        std::lock_guard lock(mutex);
        if (claimed)
          ++claims[claimed->webhook_id.ToString()];
      });
    }
    for (std::thread& claimer : claimers)
      claimer.join();
    return claims;
  }

  /// Every claim given back and every delivery due again since it was made, as before a round.
  void Unclaim() {
    api_.Sql().Execute(
        "UPDATE webhook_deliveries SET lease_until = NULL, attempts = 0, "
        "next_attempt_at = created_at");
  }

  /// The rows every node of `sql`'s plan produced, over all its loops: the work it does.
  static double RowsProcessed(pg::Connection& connection, const std::string& sql,
                              const pg::Params& params) {
    const pg::Result plan = connection.Execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params);
    double rows = 0;
    std::function<void(const json&)> add = [&](const json& node) {
      rows += node.at("Actual Rows").get<double>() * node.at("Actual Loops").get<double>();
      for (const json& child : node.value("Plans", json::array()))
        add(child);
    };
    add(json::parse(plan.Single()[0].As<std::string>()).at(0).at("Plan"));
    return rows;
  }

  static int Total(const std::map<std::string, int>& claims) {
    int total = 0;
    for (const auto& [webhook, count] : claims)
      total += count;
    return total;
  }

  ApiFixture api_;
  pg::Pool pool_;
};

TEST_F(FairClaimsTest, ConcurrentClaimersNeverTakeTwoDeliveriesOfOneWebhook) {
  const std::string advertiser = api_.NewAdvertiser("acme");
  const std::string webhook = NewWebhook(advertiser, "https://hooks.acme.example/h");
  for (int i = 0; i < 20; ++i)
    DueDelivery(webhook, milliseconds(1000 + i));
  notifier::SenderOptions options;
  options.senders_per_advertiser = kClaimers;  // only the per-webhook rule limits here
  for (int round = 0; round < 25; ++round) {
    const auto claims = ClaimAtOnce(options);
    ASSERT_EQ(Total(claims), 1) << "round " << round << ": one delivery in flight per webhook";
    Unclaim();
  }
}

TEST_F(FairClaimsTest, AWebhookHasAtMostItsInFlightSettingClaimed) {
  const std::string advertiser = api_.NewAdvertiser("acme");
  const std::string busy = NewWebhook(advertiser, "https://hooks.acme.example/busy");
  const std::string quiet = NewWebhook(advertiser, "https://hooks.acme.example/quiet");
  for (int i = 0; i < 20; ++i)
    DueDelivery(busy, milliseconds(1000 + i));
  DueDelivery(quiet, milliseconds(1));
  notifier::SenderOptions options;
  options.senders_per_advertiser = 5;
  options.in_flight_per_webhook = 3;
  for (int round = 0; round < 15; ++round) {
    auto claims = ClaimAtOnce(options);
    EXPECT_EQ(claims[busy], 3) << "round " << round << ": the busy webhook's setting";
    EXPECT_EQ(claims[quiet], 1) << "round " << round << ": the other webhook is served";
    Unclaim();
  }
}

// A claim probes each webhook for its most overdue delivery. Reading the due deliveries in time
// order made a claim's cost grow with the backlog (70 ms at 100,000 pending, in the chaos run),
// so that the senders fell further behind the more they were behind, and another tenant's
// claim read through all of it first.
TEST_F(FairClaimsTest, AClaimsWorkDoesNotGrowWithTheBacklog) {
  const std::string flooded = api_.NewAdvertiser("flooded");
  const std::string other = api_.NewAdvertiser("other");
  const std::string flooded_hook = NewWebhook(flooded, "https://hooks.flooded.example/h");
  const std::string other_hook = NewWebhook(other, "https://hooks.other.example/h");
  constexpr int kBacklog = 20'000;
  api_.Sql().Execute(
      "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, "
      "created_at, next_attempt_at) SELECT gen_random_uuid(), $1, gen_random_uuid(), "
      "'com.nedlia.campaign.created.v1', '{}', due, due FROM "
      "(SELECT now() - interval '1 hour' + n * interval '1 millisecond' AS due "
      "FROM generate_series(1, $2) AS n) d",
      pg::Params(domain::Uuid::Parse(flooded_hook), static_cast<std::int32_t>(kBacklog)));
  DueDelivery(other_hook, milliseconds(1));  // the newest: behind the whole backlog in time
  api_.Sql().Execute("ANALYZE webhook_deliveries");
  const auto [candidates, claim] = notifier::ClaimSqlForTests();

  pg::Connection sql = api_.Sql();
  EXPECT_LT(
      RowsProcessed(sql, candidates, pg::Params(std::int32_t{2}, std::int32_t{8}, std::int32_t{1})),
      100);
  sql.Execute("BEGIN");  // the claim is an UPDATE: EXPLAIN ANALYZE runs it
  const double claimed = RowsProcessed(sql, claim,
                                       pg::Params(std::int64_t{60'000}, domain::Uuid::Parse(other),
                                                  std::int32_t{2}, std::int32_t{1}));
  sql.Execute("ROLLBACK");
  EXPECT_LT(claimed, 100) << "the other tenant's claim read the flooded one's backlog";
}

TEST_F(FairClaimsTest, ConcurrentClaimersTakeAtMostTheAdvertisersShare) {
  const std::string greedy = api_.NewAdvertiser("greedy");
  const std::string modest = api_.NewAdvertiser("modest");
  std::vector<std::string> greedy_hooks;
  for (int i = 0; i < kClaimers; ++i) {
    greedy_hooks.push_back(NewWebhook(greedy, "https://hooks.greedy.example/" + std::to_string(i)));
    DueDelivery(greedy_hooks.back(), milliseconds(60'000));  // long overdue: first in line
  }
  const std::string modest_hook = NewWebhook(modest, "https://hooks.modest.example/h");
  DueDelivery(modest_hook, milliseconds(1));
  notifier::SenderOptions options;
  options.senders_per_advertiser = 2;
  for (int round = 0; round < 10; ++round) {
    auto claims = ClaimAtOnce(options);
    EXPECT_EQ(claims[modest_hook], 1) << "round " << round << ": the other tenant is served";
    claims.erase(modest_hook);
    EXPECT_EQ(Total(claims), 2) << "round " << round << ": the greedy tenant gets its share";
    Unclaim();
  }
}

TEST_F(FairClaimsTest, OneTenantsTarpitsDoNotDelayAnothersDelivery) {
  WebhookReceiver tarpit;  // accepts and never answers, until the sender's timeout
  WebhookReceiver prompt;
  const std::string slow = api_.NewAdvertiser("slow");
  const std::string quick = api_.NewAdvertiser("quick");
  for (int i = 0; i < 6; ++i) {
    const std::string path = "/tarpit-" + std::to_string(i);
    tarpit.SetMode(path, ReceiverMode::kHang);
    DueDelivery(NewWebhook(slow, tarpit.Url(path)), milliseconds(60'000 + i));
  }
  DueDelivery(NewWebhook(quick, prompt.Url("/quick")), milliseconds(1));
  notifier::SenderOptions options{.senders = 4,
                                  .senders_per_advertiser = 2,
                                  .poll = milliseconds(20),
                                  .connect_timeout = milliseconds(1000),
                                  .timeout = milliseconds(8000),
                                  .egress = domain::EgressPolicy::Development(),
                                  .retry_schedule = {std::chrono::minutes(10)},
                                  .environment = "test"};
  const auto started = std::chrono::steady_clock::now();
  notifier::Senders senders(pool_, options);
  senders.Start();
  EXPECT_TRUE(prompt.WaitFor("/quick", 1, milliseconds(2000)))
      << "the other tenant's delivery waited for the tarpits' timeout";
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(2000));
  const auto held = [&] {
    std::size_t requests = 0;
    for (int i = 0; i < 6; ++i)
      requests += tarpit.Received("/tarpit-" + std::to_string(i)).size();
    return requests;
  };
  // The tarpits hold the advertiser's share of the senders, and no more, while the others
  // stay free (they poll every 20 ms).
  EXPECT_TRUE(WaitFor([&] { return held() >= 2; })) << held();
  // Not synchronisation: a window in which a third sender, were one free to, would take one.
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(held(), 2u);
}

}  // namespace
}  // namespace nedlia::testing
