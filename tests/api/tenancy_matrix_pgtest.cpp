// The tenancy matrix: an advertiser key sent against every endpoint with another advertiser's
// ids never sees their data and never changes anything.
#include <gtest/gtest.h>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class TenancyMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    victim_ = Created("POST", "/v1/advertisers",
                      {{"name", "Victim"}, {"contact_email", "v@victim.example"}});
    intruder_ = Created("POST", "/v1/advertisers",
                        {{"name", "Intruder"}, {"contact_email", "i@intruder.example"}});
    product_ = Created("POST", "/v1/products", {{"advertiser_id", victim_}, {"name", "Cola"}});
    campaign_ = Created("POST", "/v1/campaigns",
                        {{"advertiser_id", victim_},
                         {"name", "Summer"},
                         {"budget", 1000},
                         {"currency", "USD"},
                         {"start_date", "2026-06-01"},
                         {"end_date", "2026-08-31"}});
    video_ = Created("POST", "/v1/videos",
                     {{"title", "Trailer"}, {"duration", 60}, {"status", "ready"}});
    placement_ = Created("POST", "/v1/placements",
                         {{"video_id", video_},
                          {"product_id", product_},
                          {"time_range", {{"start_time", 1}, {"end_time", 2}}}});
    victim_key_ = api_.AdvertiserKey(victim_);
    run_ =
        Created("POST", "/v1/videos/" + video_ + "/validations", json::object(), victim_key_, 202);
    webhook_ = Created("POST", "/v1/webhooks",
                       {{"advertiser_id", victim_},
                        {"url", "https://hooks.victim.example/nedlia"},
                        {"event_types", {"com.nedlia.placement.created.v1"}}});
    intruder_key_ = api_.AdvertiserKey(intruder_);
  }

  std::string Created(const std::string& method, const std::string& path, const json& body,
                      const std::optional<std::string>& key = std::nullopt, long status = 201) {
    const auto reply = api_.Call(method, path, body, {}, key);
    EXPECT_EQ(reply.status, status) << method << " " << path << ": " << reply.raw;
    return reply.status == status ? reply.Id() : "";
  }

  /// Everything an intruder could have changed, as one comparable text.
  std::string State() {
    return api_.Sql()
        .Execute(R"sql(
            SELECT concat_ws('|',
              (SELECT string_agg(id || ':' || version || ':' || coalesce(deleted_at::text, ''),
                                 ',' ORDER BY id) FROM advertisers),
              (SELECT string_agg(id || ':' || version || ':' || coalesce(deleted_at::text, ''),
                                 ',' ORDER BY id) FROM products),
              (SELECT string_agg(id || ':' || version || ':' || spent || ':' ||
                                 coalesce(deleted_at::text, ''), ',' ORDER BY id) FROM campaigns),
              (SELECT string_agg(id || ':' || version || ':' || coalesce(deleted_at::text, ''),
                                 ',' ORDER BY id) FROM placements),
              (SELECT string_agg(id || ':' || coalesce(deleted_at::text, ''), ',' ORDER BY id)
               FROM validation_runs),
              (SELECT string_agg(id || ':' || version || ':' || url || ':' ||
                                 coalesce(deleted_at::text, ''), ',' ORDER BY id) FROM webhooks),
              (SELECT count(*) FROM campaign_products),
              (SELECT count(*) FROM event_log)))sql")
        .Single()[0]
        .As<std::string>();
  }

  ApiFixture api_;
  std::string victim_, intruder_, product_, campaign_, video_, placement_, run_, webhook_;
  std::string victim_key_, intruder_key_;
};

TEST_F(TenancyMatrixTest, AnotherAdvertisersIdsAreInvisibleAndUnchangeable) {
  ASSERT_FALSE(run_.empty());
  ASSERT_FALSE(webhook_.empty());
  struct Probe {
    std::string method;
    std::string path;
    std::optional<json> body;
  };
  const std::vector<Probe> probes = {
      {"GET", "/v1/advertisers/" + victim_, std::nullopt},
      {"PATCH", "/v1/advertisers/" + victim_, json{{"name", "Mine"}}},
      {"DELETE", "/v1/advertisers/" + victim_, std::nullopt},
      {"GET", "/v1/products/" + product_, std::nullopt},
      {"PATCH", "/v1/products/" + product_, json{{"name", "Mine"}}},
      {"DELETE", "/v1/products/" + product_, std::nullopt},
      {"GET", "/v1/campaigns/" + campaign_, std::nullopt},
      {"PATCH", "/v1/campaigns/" + campaign_, json{{"name", "Mine"}}},
      {"DELETE", "/v1/campaigns/" + campaign_, std::nullopt},
      {"POST", "/v1/campaigns/" + campaign_ + "/spend", json{{"amount", 1}}},
      {"GET", "/v1/campaigns/" + campaign_ + "/products", std::nullopt},
      {"PUT", "/v1/campaigns/" + campaign_ + "/products/" + product_, std::nullopt},
      {"DELETE", "/v1/campaigns/" + campaign_ + "/products/" + product_, std::nullopt},
      {"GET", "/v1/placements/" + placement_, std::nullopt},
      {"PATCH", "/v1/placements/" + placement_, json{{"description", "mine"}}},
      {"DELETE", "/v1/placements/" + placement_, std::nullopt},
      {"GET", "/v1/validation-runs/" + run_, std::nullopt},
      {"DELETE", "/v1/validation-runs/" + run_, std::nullopt},
      {"GET", "/v1/webhooks/" + webhook_, std::nullopt},
      {"GET", "/v1/webhooks/" + webhook_ + "/deliveries", std::nullopt},
      {"PATCH", "/v1/webhooks/" + webhook_, json{{"url", "https://evil.example/h"}}},
      {"DELETE", "/v1/webhooks/" + webhook_, std::nullopt},
      {"POST", "/v1/webhooks",
       json{{"advertiser_id", victim_},
            {"url", "https://evil.example/h"},
            {"event_types", {"com.nedlia.placement.created.v1"}}}},
      {"POST", "/v1/placements",
       json{{"video_id", video_},
            {"product_id", product_},
            {"time_range", {{"start_time", 5}, {"end_time", 6}}}}},
      {"POST", "/v1/products", json{{"advertiser_id", victim_}, {"name", "Fake"}}},
      {"POST", "/v1/campaigns",
       json{{"advertiser_id", victim_},
            {"name", "Fake"},
            {"budget", 10},
            {"currency", "USD"},
            {"start_date", "2026-01-01"},
            {"end_date", "2026-02-01"}}},
  };
  const std::string before = State();
  for (const auto& probe : probes) {
    const auto reply =
        api_.Call(probe.method, probe.path, probe.body, {"If-Match: \"1\""}, intruder_key_);
    // 404 as if it did not exist; 403 where the role forbids the operation anyway; 422 when
    // the other advertiser's id is in the body ("no such ...").
    EXPECT_TRUE(reply.status == 404 || reply.status == 403 || reply.status == 422)
        << probe.method << " " << probe.path << " -> " << reply.status << " " << reply.raw;
    for (const std::string& id : {victim_, product_, campaign_, placement_, run_, webhook_}) {
      EXPECT_EQ(reply.raw.find(id), std::string::npos)
          << probe.method << " " << probe.path << " leaks " << id << ": " << reply.raw;
    }
  }
  EXPECT_EQ(State(), before);
}

TEST_F(TenancyMatrixTest, ListsShowNothingOfAnotherAdvertiser) {
  for (const std::string& path : std::vector<std::string>{
           "/v1/advertisers", "/v1/products", "/v1/campaigns", "/v1/placements",
           "/v1/validation-runs", "/v1/products?advertiser_id=" + victim_,
           "/v1/campaigns?advertiser_id=" + victim_, "/v1/placements?advertiser_id=" + victim_,
           "/v1/placements?product_id=" + product_, "/v1/validation-runs?video_id=" + video_,
           "/v1/webhooks", "/v1/webhooks?advertiser_id=" + victim_}) {
    const auto reply = api_.Call("GET", path, std::nullopt, {}, intruder_key_);
    EXPECT_TRUE(reply.status == 200 || reply.status == 404 || reply.status == 422)
        << path << " -> " << reply.raw;
    for (const std::string& id : {victim_, product_, campaign_, placement_, run_, webhook_}) {
      EXPECT_EQ(reply.raw.find(id), std::string::npos) << path << " leaks " << id;
    }
  }
}

TEST_F(TenancyMatrixTest, TheOwnerSeesWhatTheIntruderCannot) {
  // The probes above could pass by answering 404 to everybody: the owner must get 200.
  for (const std::string& path :
       {"/v1/advertisers/" + victim_, "/v1/products/" + product_, "/v1/campaigns/" + campaign_,
        "/v1/placements/" + placement_, "/v1/validation-runs/" + run_, "/v1/webhooks/" + webhook_,
        "/v1/webhooks/" + webhook_ + "/deliveries"}) {
    EXPECT_EQ(api_.Call("GET", path, std::nullopt, {}, victim_key_).status, 200) << path;
  }
}

}  // namespace
}  // namespace nedlia::testing
