// The tenancy matrix: an advertiser key sent against every endpoint with another advertiser's
// ids never sees their data and never changes anything.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>

#include "consumers/consumer.hpp"
#include "support/api_fixture.hpp"
#include "support/delivery_helpers.hpp"
#include "support/stream_client.hpp"
#include "support/wait_for.hpp"
#include "validator/validator.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class TenancyMatrixTest : public ::testing::Test {
 public:
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

  /// Fails when `text` (an answer to the intruder) holds any id of the victim's.
  void ExpectNoVictimData(const std::string& context, const std::string& text) const {
    for (const std::string& id : {victim_, product_, campaign_, placement_, run_, webhook_}) {
      EXPECT_EQ(text.find(id), std::string::npos) << context << " leaks " << id << ": " << text;
    }
  }

  ApiFixture api_;
  std::string victim_, intruder_, product_, campaign_, video_, placement_, run_, webhook_;
  std::string victim_key_, intruder_key_;
};

/// One request of the matrix and what the intruder may get back.
struct Probe {
  std::string method;
  std::string path;
  std::optional<json> body;
  std::set<long> statuses;
};

const std::set<long> kRefused = {403, 404, 422};  // 404 as if absent; 403 where the role may
                                                  // not; 422 for another's id in the body
const std::set<long> kOk = {200};

/// Every route of the API, by its OpenAPI template, with the request the intruder sends: the
/// victim's ids in its path, or in its body. A route the document gains fails the matrix until
/// it is probed here.
std::map<std::string, Probe> MatrixProbes(const TenancyMatrixTest& t) {
  const json intrude_webhook = {{"advertiser_id", t.victim_},
                                {"url", "https://evil.example/h"},
                                {"event_types", {"com.nedlia.placement.created.v1"}}};
  return {
      // Operators' and public routes: no tenant data at all.
      {"GET /healthz", {"GET", "/healthz", std::nullopt, kOk}},
      {"GET /readyz", {"GET", "/readyz", std::nullopt, kOk}},
      {"GET /metrics", {"GET", "/metrics", std::nullopt, kOk}},
      {"GET /v1/openapi.json", {"GET", "/v1/openapi.json", std::nullopt, kOk}},
      // Public, and no tenant's: the catalog's schemas.
      {"GET /v1/schemas/events", {"GET", "/v1/schemas/events", std::nullopt, kOk}},
      {"GET /v1/schemas/events/{type}",
       {"GET", "/v1/schemas/events/com.nedlia.placement.created.v2", std::nullopt, kOk}},
      // Players' files, named by their content's hash (a capability): a name not issued is 404.
      {"GET /files/placements/{video_id}/{file}",
       {"GET",
        "/files/placements/" + t.video_ + "/" + std::string(64, 'a') + ".json",
        std::nullopt,
        {404}}},
      {"POST /v1/advertisers",
       {"POST",
        "/v1/advertisers",
        json{{"name", "Fake"}, {"contact_email", "f@f.example"}},
        {403}}},
      {"GET /v1/advertisers", {"GET", "/v1/advertisers?id=" + t.victim_, std::nullopt, kOk}},
      {"GET /v1/advertisers/{id}", {"GET", "/v1/advertisers/" + t.victim_, std::nullopt, kRefused}},
      {"PATCH /v1/advertisers/{id}",
       {"PATCH", "/v1/advertisers/" + t.victim_, json{{"name", "Mine"}}, kRefused}},
      {"DELETE /v1/advertisers/{id}",
       {"DELETE", "/v1/advertisers/" + t.victim_, std::nullopt, kRefused}},
      {"POST /v1/advertisers/{id}/erasure",
       {"POST", "/v1/advertisers/" + t.victim_ + "/erasure", std::nullopt, kRefused}},
      {"POST /v1/products",
       {"POST", "/v1/products", json{{"advertiser_id", t.victim_}, {"name", "Fake"}}, kRefused}},
      {"GET /v1/products", {"GET", "/v1/products?advertiser_id=" + t.victim_, std::nullopt, kOk}},
      {"GET /v1/products/{id}", {"GET", "/v1/products/" + t.product_, std::nullopt, kRefused}},
      {"PATCH /v1/products/{id}",
       {"PATCH", "/v1/products/" + t.product_, json{{"name", "Mine"}}, kRefused}},
      {"DELETE /v1/products/{id}",
       {"DELETE", "/v1/products/" + t.product_, std::nullopt, kRefused}},
      {"POST /v1/campaigns",
       {"POST", "/v1/campaigns",
        json{{"advertiser_id", t.victim_},
             {"name", "Fake"},
             {"budget", 10},
             {"currency", "USD"},
             {"start_date", "2026-01-01"},
             {"end_date", "2026-02-01"}},
        kRefused}},
      {"GET /v1/campaigns", {"GET", "/v1/campaigns?advertiser_id=" + t.victim_, std::nullopt, kOk}},
      {"GET /v1/campaigns/{id}", {"GET", "/v1/campaigns/" + t.campaign_, std::nullopt, kRefused}},
      {"PATCH /v1/campaigns/{id}",
       {"PATCH", "/v1/campaigns/" + t.campaign_, json{{"name", "Mine"}}, kRefused}},
      {"DELETE /v1/campaigns/{id}",
       {"DELETE", "/v1/campaigns/" + t.campaign_, std::nullopt, kRefused}},
      {"POST /v1/campaigns/{id}/spend",
       {"POST", "/v1/campaigns/" + t.campaign_ + "/spend", json{{"amount", 1}}, kRefused}},
      {"GET /v1/campaigns/{id}/products",
       {"GET", "/v1/campaigns/" + t.campaign_ + "/products", std::nullopt, kRefused}},
      {"PUT /v1/campaigns/{id}/products/{product_id}",
       {"PUT", "/v1/campaigns/" + t.campaign_ + "/products/" + t.product_, std::nullopt, kRefused}},
      {"DELETE /v1/campaigns/{id}/products/{product_id}",
       {"DELETE", "/v1/campaigns/" + t.campaign_ + "/products/" + t.product_, std::nullopt,
        kRefused}},
      {"POST /v1/placements",
       {"POST", "/v1/placements",
        json{{"video_id", t.video_},
             {"product_id", t.product_},
             {"time_range", {{"start_time", 5}, {"end_time", 6}}}},
        kRefused}},
      {"GET /v1/placements", {"GET", "/v1/placements?product_id=" + t.product_, std::nullopt, kOk}},
      {"GET /v1/placements/{id}",
       {"GET", "/v1/placements/" + t.placement_, std::nullopt, kRefused}},
      {"PATCH /v1/placements/{id}",
       {"PATCH", "/v1/placements/" + t.placement_, json{{"description", "mine"}}, kRefused}},
      {"DELETE /v1/placements/{id}",
       {"DELETE", "/v1/placements/" + t.placement_, std::nullopt, kRefused}},
      {"GET /v1/placement-details",
       {"GET", "/v1/placement-details?advertiser_id=" + t.victim_, std::nullopt, kOk}},
      // The video catalog is shared: read by all, changed by admins. Requesting a validation
      // of a shared video is allowed; the TenancyMatrixTest.AValidationRun... test reads it.
      {"POST /v1/videos", {"POST", "/v1/videos", json{{"title", "Mine"}, {"duration", 10}}, {403}}},
      {"GET /v1/videos", {"GET", "/v1/videos", std::nullopt, kOk}},
      {"GET /v1/videos/{id}", {"GET", "/v1/videos/" + t.video_, std::nullopt, kOk}},
      {"PATCH /v1/videos/{id}",
       {"PATCH", "/v1/videos/" + t.video_, json{{"title", "Mine"}}, {403}}},
      {"DELETE /v1/videos/{id}", {"DELETE", "/v1/videos/" + t.video_, std::nullopt, {403}}},
      {"GET /v1/videos/{id}/validations",
       {"GET", "/v1/videos/" + t.video_ + "/validations", std::nullopt, kOk}},
      {"GET /v1/validation-runs",
       {"GET", "/v1/validation-runs?video_id=" + t.video_, std::nullopt, kOk}},
      {"GET /v1/validation-runs/{id}",
       {"GET", "/v1/validation-runs/" + t.run_, std::nullopt, kRefused}},
      {"DELETE /v1/validation-runs/{id}",
       {"DELETE", "/v1/validation-runs/" + t.run_, std::nullopt, kRefused}},
      {"GET /v1/validations/{id}", {"GET", "/v1/validations/" + t.run_, std::nullopt, kRefused}},
      {"GET /v1/validations/{id}/issues",
       {"GET", "/v1/validations/" + t.run_ + "/issues", std::nullopt, kRefused}},
      {"POST /v1/webhooks", {"POST", "/v1/webhooks", intrude_webhook, kRefused}},
      {"GET /v1/webhooks", {"GET", "/v1/webhooks?advertiser_id=" + t.victim_, std::nullopt, kOk}},
      {"GET /v1/webhooks/{id}", {"GET", "/v1/webhooks/" + t.webhook_, std::nullopt, kRefused}},
      {"PATCH /v1/webhooks/{id}",
       {"PATCH", "/v1/webhooks/" + t.webhook_, json{{"url", "https://evil.example/h"}}, kRefused}},
      {"DELETE /v1/webhooks/{id}",
       {"DELETE", "/v1/webhooks/" + t.webhook_, std::nullopt, kRefused}},
      {"GET /v1/webhooks/{id}/deliveries",
       {"GET", "/v1/webhooks/" + t.webhook_ + "/deliveries", std::nullopt, kRefused}},
      {"GET /v1/events", {"GET", "/v1/events?limit=1000", std::nullopt, kOk}},
      // The stream never ends: TenancyMatrixTest.TheFeedAndTheStream... reads it.
  };
}

/// Every route the served OpenAPI document lists, as "METHOD template".
std::set<std::string> DocumentedRoutes(ApiFixture& api) {
  const auto reply = api.Call("GET", "/v1/openapi.json");
  EXPECT_EQ(reply.status, 200);
  std::set<std::string> routes;
  for (const auto& [path, operations] : reply.body.at("paths").items()) {
    for (const auto& [method, operation] : operations.items()) {
      if (method == "parameters")
        continue;
      std::string upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      routes.insert(upper + " " + path);
    }
  }
  return routes;
}

TEST_F(TenancyMatrixTest, EveryRouteRefusesOrHidesAnotherAdvertisersData) {
  ASSERT_FALSE(run_.empty());
  ASSERT_FALSE(webhook_.empty());
  const std::map<std::string, Probe> probes = MatrixProbes(*this);
  const std::set<std::string> streamed = {"GET /v1/events/stream",
                                          "POST /v1/videos/{id}/validations"};
  for (const std::string& route : DocumentedRoutes(api_)) {
    EXPECT_TRUE(probes.contains(route) || streamed.contains(route))
        << route << " is not in the tenancy matrix";
  }
  const std::string before = State();
  for (const auto& [route, probe] : probes) {
    const auto reply =
        api_.Call(probe.method, probe.path, probe.body, {"If-Match: \"1\""}, intruder_key_);
    EXPECT_TRUE(probe.statuses.contains(reply.status))
        << route << ": " << probe.method << " " << probe.path << " -> " << reply.status << " "
        << reply.raw;
    ExpectNoVictimData(route, reply.raw);
  }
  EXPECT_EQ(State(), before);
}

TEST_F(TenancyMatrixTest, TheFeedAndTheStreamCarryOnlyTheCallersOwnEvents) {
  StreamClient stream(api_.Port(),
                      "GET /v1/events/stream HTTP/1.1\r\nHost: test\r\n"
                      "Authorization: Bearer " +
                          intruder_key_ + "\r\n\r\n");
  ASSERT_NE(stream.ReadUntil("nedlia event stream").find("200 OK"), std::string::npos);
  // The victim acts while the intruder listens; then the intruder, so that its own event
  // marks how far the stream and the feed have come.
  const std::string secret =
      Created("POST", "/v1/products", {{"advertiser_id", victim_}, {"name", "Secret"}});
  const std::string marker = Created("POST", "/v1/products", {{"name", "Marker"}}, intruder_key_);
  ASSERT_FALSE(marker.empty());
  const std::string& streamed = stream.ReadUntil(marker);
  ASSERT_NE(streamed.find(marker), std::string::npos) << streamed;
  ExpectNoVictimData("the stream", streamed);
  EXPECT_EQ(streamed.find(secret), std::string::npos) << streamed;

  // The feed from its start; an event shows once older transactions in the cluster ended.
  ApiReply feed;
  WaitFor([&] {
    feed = api_.Call("GET", "/v1/events?limit=1000", std::nullopt, {}, intruder_key_);
    return feed.raw.find(marker) != std::string::npos;
  });
  ASSERT_NE(feed.raw.find(marker), std::string::npos) << feed.raw;
  ExpectNoVictimData("the feed", feed.raw);
  EXPECT_EQ(feed.raw.find(secret), std::string::npos) << feed.raw;
}

TEST_F(TenancyMatrixTest, AValidationRunOfASharedVideoShowsNothingOfAnotherAdvertiser) {
  // The intruder places its own product on the shared video, beside the victim's placement,
  // and validates the video.
  const std::string own_product =
      Created("POST", "/v1/products", {{"name", "Mine"}}, intruder_key_);
  const std::string own_placement = Created("POST", "/v1/placements",
                                            {{"video_id", video_},
                                             {"product_id", own_product},
                                             {"time_range", {{"start_time", 1}, {"end_time", 2}}}},
                                            intruder_key_);
  const std::string run =
      Created("POST", "/v1/videos/" + video_ + "/validations", json::object(), intruder_key_, 202);
  pg::Pool pool({.url = api_.Database().Url(), .max_size = 1});
  consumers::Consumer validator = validator::MakeValidator(pool, {});
  validator.Subscribe();
  RunUntil(validator, [&](int) {
    return api_.QueryText("SELECT status FROM validation_runs WHERE id = $1", pg::Params(run)) ==
           "completed";
  });

  const auto reply = api_.Call("GET", "/v1/validations/" + run, std::nullopt, {}, intruder_key_);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body["data"]["status"], "completed") << reply.raw;
  EXPECT_NE(reply.raw.find(own_placement), std::string::npos) << reply.raw;  // its own issues
  ExpectNoVictimData("the intruder's run", reply.raw);
  const auto runs =
      api_.Call("GET", "/v1/videos/" + video_ + "/validations", std::nullopt, {}, intruder_key_);
  ASSERT_EQ(runs.status, 200);
  ASSERT_EQ(runs.body["data"].size(), 1u) << runs.raw;
  ExpectNoVictimData("the video's runs", runs.raw);
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
