// POST /v1/campaigns/{id}/spend end to end: exact amounts, the budget as a hard limit under
// concurrency, idempotency, and the events each spend writes.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "api/campaigns_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

TEST_F(CampaignsApiTest, SpendAddsExactlyAndEmitsSpent) {
  const std::string id = CreateActive(100);
  const auto first = Spend(id, 12.34);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.body["data"]["spent"], 12.34);
  EXPECT_EQ(first.Header("ETag"), "\"3\"");
  const auto second = Spend(id, "0.66");
  ASSERT_EQ(second.status, 200) << second.raw;
  EXPECT_EQ(second.body["data"]["spent"], 13);
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "13.00");
  const auto events = Events(kCampaignSpent);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0],
            json({{"campaign_id", id}, {"amount", 12.34}, {"spent", 12.34}, {"budget", 100.0}}));
  EXPECT_EQ(events[1]["amount"], 0.66);
  EXPECT_EQ(events[1]["spent"], 13.0);
  EXPECT_EQ(api_.EventCount(kCampaignExhausted), 0);
}

TEST_F(CampaignsApiTest, SpendReachingTheBudgetExactlyEmitsBudgetExhaustedOnce) {
  const std::string id = CreateActive(100);
  ASSERT_EQ(Spend(id, 60).status, 200);
  EXPECT_EQ(api_.EventCount(kCampaignExhausted), 0);
  const auto last = Spend(id, 40);
  ASSERT_EQ(last.status, 200) << last.raw;
  EXPECT_EQ(last.body["data"]["spent"], 100);
  const auto exhausted = Events(kCampaignExhausted);
  ASSERT_EQ(exhausted.size(), 1U);
  EXPECT_EQ(exhausted[0],
            json({{"campaign_id", id}, {"budget", 100.0}, {"spent", 100.0}, {"currency", "USD"}}));
  const auto over = Spend(id, 0.01);
  EXPECT_EQ(over.status, 409);
  EXPECT_NE(over.raw.find("remaining 0.00"), std::string::npos) << over.raw;
  EXPECT_EQ(api_.EventCount(kCampaignExhausted), 1);
  EXPECT_EQ(api_.EventCount(kCampaignSpent), 2);
}

TEST_F(CampaignsApiTest, SpendIsRefusedWithoutWritingAnything) {
  const std::string draft = Create(100);
  EXPECT_EQ(Spend(draft, 1).status, 409);
  const std::string id = CreateActive(100);
  ASSERT_EQ(Spend(id, 90).status, 200);

  const auto over = Spend(id, 10.01);
  EXPECT_EQ(over.status, 409);
  EXPECT_NE(over.raw.find("would exceed the budget: remaining 10.00"), std::string::npos)
      << over.raw;
  EXPECT_EQ(over.ErrorPointers(), "/amount");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"amount": 0})", "/amount"},        {R"({"amount": -1})", "/amount"},
      {R"({"amount": 1.001})", "/amount"},    {R"({"amount": "ten"})", "/amount"},
      {R"({"amount": null})", "/amount"},     {R"({})", "/amount"},
      {R"({"amount": 1, "by": "x"})", "/by"}, {R"({"amount": 1e11})", "/amount"},
  };
  for (const auto& [body, pointers] : bad) {
    const auto reply = api_.CallRaw("POST", "/v1/campaigns/" + id + "/spend", body);
    EXPECT_EQ(reply.status, 422) << body << " -> " << reply.raw;
    EXPECT_EQ(reply.ErrorPointers(), pointers) << body << " -> " << reply.raw;
  }
  const auto malformed = api_.CallRaw("POST", "/v1/campaigns/" + id + "/spend", "{");
  EXPECT_TRUE(malformed.status == 400 || malformed.status == 422) << malformed.raw;
  EXPECT_EQ(Spend("0190f6d2-7a3e-7c4b-8d5e-0123456789ab", 1).status, 404);

  ASSERT_EQ(Patch(id, {{"status", "paused"}}, 3).status, 200);
  const auto paused = Spend(id, 1);
  EXPECT_EQ(paused.status, 409);
  EXPECT_NE(paused.raw.find("paused"), std::string::npos) << paused.raw;
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "90.00");
  EXPECT_EQ(api_.EventCount(kCampaignSpent), 1);
}

TEST_F(CampaignsApiTest, SpendInACurrencyWithoutMinorUnitsTakesWholeAmounts) {
  json body = Campaign(1000);
  body["currency"] = "JPY";
  const auto created = api_.Call("POST", "/v1/campaigns", body);
  ASSERT_EQ(created.status, 201) << created.raw;
  ASSERT_EQ(Patch(created.Id(), {{"status", "active"}}, 1).status, 200);
  const auto fraction = Spend(created.Id(), 0.5);
  EXPECT_EQ(fraction.status, 422);
  EXPECT_EQ(fraction.ErrorPointers(), "/amount");
  EXPECT_EQ(Spend(created.Id(), 500).status, 200);
}

TEST_F(CampaignsApiTest, SpendHonoursTheIdempotencyKey) {
  const std::string id = CreateActive(100);
  const std::vector<std::string> key = {"Idempotency-Key: spend-7f9c2ba4"};
  const auto first = Spend(id, 10, key);
  ASSERT_EQ(first.status, 200) << first.raw;
  const auto replay = Spend(id, 10, key);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  const auto other = Spend(id, 20, key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.ErrorPointers(), "/headers/Idempotency-Key");
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "10.00");
  EXPECT_EQ(api_.EventCount(kCampaignSpent), 1);
}

TEST_F(CampaignsApiTest, CreateHonoursTheIdempotencyKey) {
  const std::vector<std::string> key = {"Idempotency-Key: create-1"};
  const auto first = api_.Call("POST", "/v1/campaigns", Campaign(), key);
  ASSERT_EQ(first.status, 201);
  const auto replay = api_.Call("POST", "/v1/campaigns", Campaign(), key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Location"), first.Header("Location"));
  EXPECT_EQ(api_.Call("POST", "/v1/campaigns", Campaign(99), key).status, 422);
  EXPECT_EQ(api_.EventCount(kCampaignCreated), 1);
}

TEST_F(CampaignsApiTest, ConcurrentSpendsNeverExceedTheBudget) {
  const std::string id = CreateActive(250);
  std::atomic<int> ok = 0, refused = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&] {
      const auto reply = Spend(id, 10.00);
      (reply.status == 200 ? ok : reply.status == 409 ? refused : other)++;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(ok, 25);
  EXPECT_EQ(refused, 15);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "250.00");
  EXPECT_EQ(api_.EventCount(kCampaignSpent), 25);
  EXPECT_EQ(api_.EventCount(kCampaignExhausted), 1);
  // Every spent event saw a distinct running total, ending at the budget.
  std::set<double> totals;
  for (const auto& event : Events(kCampaignSpent))
    totals.insert(event["spent"].get<double>());
  EXPECT_EQ(totals.size(), 25U);
  EXPECT_EQ(*totals.rbegin(), 250.0);
}

}  // namespace
}  // namespace nedlia::testing
