// /v1/webhooks end to end: the real server and middleware over a fresh database.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "app/webhook_commands.hpp"
#include "notifier/notifier.hpp"
#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

constexpr const char* kCampaignCreated = "com.nedlia.campaign.created.v1";

/// Webhooks as outside development: https only, no non-public network allowed.
app::WebhookPolicy ProductionWebhooks() {
  return {.url = {},
          .subscribable_types = notifier::SubscribableTypes(events::Catalog::Embedded())};
}

/// URLs a production deployment refuses at create and update: IP addresses (non-public ones,
/// IPv4-mapped forms, numbers parsers read as addresses) and names of internal networks.
const std::vector<std::string> kInternalUrls = {"https://127.0.0.1/h",
                                                "https://[::1]:8443/h",
                                                "https://169.254.169.254/latest",
                                                "https://[fd00:ec2::254]/",
                                                "https://[::ffff:127.0.0.1]/",
                                                "https://10.0.0.1/h",
                                                "https://2130706433/h",
                                                "https://0x7f.1/h",
                                                "https://8.8.8.8/h",
                                                "https://localhost/h",
                                                "https://hooks.localhost/h",
                                                "https://metadata.google.internal/",
                                                "https://printer.local/h",
                                                "https://intranet/h"};

class WebhooksApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    advertiser_ = api_.NewAdvertiser("acme");
    other_advertiser_ = api_.NewAdvertiser("bolt");
  }

  json Hook(const std::string& url = "https://hooks.acme.example/nedlia") const {
    return {{"advertiser_id", advertiser_}, {"url", url}, {"event_types", {kCampaignCreated}}};
  }

  /// Everything a refused request could have changed, as one comparable text.
  std::string State() const {
    return std::to_string(api_.Count("SELECT count(*) FROM webhooks")) + "/" +
           std::to_string(api_.Count("SELECT coalesce(sum(version), 0) FROM webhooks")) + "/" +
           std::to_string(api_.Count("SELECT count(*) FROM event_log"));
  }

  ApiFixture api_;
  std::string advertiser_, other_advertiser_;
};

TEST_F(WebhooksApiTest, CreateShowsTheSecretOnceAndEmitsItsEvent) {
  const auto created = api_.Call("POST", "/v1/webhooks", Hook());
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& data = created.body["data"];
  const std::string secret = data.at("secret").get<std::string>();
  EXPECT_TRUE(secret.starts_with("whsec_")) << secret;
  EXPECT_GE(secret.size(), 6u + 32u) << "base64 of at least 24 random bytes";
  EXPECT_EQ(data["status"], "active");
  EXPECT_EQ(data["event_types"], json::array({kCampaignCreated}));
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  EXPECT_EQ(created.Header("Location"), "/v1/webhooks/" + created.Id());

  const auto read = api_.Call("GET", "/v1/webhooks/" + created.Id());
  ASSERT_EQ(read.status, 200);
  EXPECT_FALSE(read.body["data"].contains("secret"));
  EXPECT_EQ(read.raw.find(secret), std::string::npos);
  const auto list = api_.Call("GET", "/v1/webhooks");
  EXPECT_EQ(list.raw.find(secret), std::string::npos);
  EXPECT_EQ(list.body["data"].size(), 1u);

  const json event = api_.EventData("com.nedlia.webhook.created.v2");
  EXPECT_EQ(event["webhook_id"], created.Id());
  // The URL's path may hold a token: events carry its scheme and host, v1 copies nothing.
  EXPECT_EQ(event["url_origin"], "https://hooks.acme.example");
  EXPECT_FALSE(event.contains("url"));
  EXPECT_EQ(api_.EventData("com.nedlia.webhook.created.v1")["url"], "https://redacted.invalid/");
  EXPECT_EQ(event.dump().find(secret), std::string::npos) << "the secret is in no event";
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log WHERE metadata::text LIKE '%whsec_%' "
                       "OR data::text LIKE '%whsec_%'"),
            0);
}

TEST_F(WebhooksApiTest, AReplayedCreateShowsTheSecretThatOnlyTheWebhooksRowKeeps) {
  const auto first = api_.Call("POST", "/v1/webhooks", Hook(), {"Idempotency-Key: hook-1"});
  ASSERT_EQ(first.status, 201) << first.raw;
  const std::string secret = first.body["data"]["secret"];
  // The stored answer has no secret in it: plain text in the webhook's row only.
  EXPECT_EQ(api_.Count("SELECT count(*) FROM idempotency_keys"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM idempotency_keys WHERE body LIKE '%whsec_%'"), 0);
  const auto replay = api_.Call("POST", "/v1/webhooks", Hook(), {"Idempotency-Key: hook-1"});
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.raw, first.raw);
  // Deleted, the webhook has no secret left to show.
  ASSERT_EQ(api_.Delete("/v1/webhooks/" + first.Id(), 1).status, 204);
  const auto after = api_.Call("POST", "/v1/webhooks", Hook(), {"Idempotency-Key: hook-1"});
  EXPECT_EQ(after.status, 201);
  EXPECT_TRUE(after.body["data"]["secret"].is_null()) << after.raw;
}

TEST_F(WebhooksApiTest, TwoWebhooksGetDifferentSecrets) {
  const auto first = api_.Call("POST", "/v1/webhooks", Hook());
  const auto second = api_.Call("POST", "/v1/webhooks", Hook());
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(second.status, 201);
  EXPECT_NE(first.body["data"]["secret"], second.body["data"]["secret"]);
}

TEST_F(WebhooksApiTest, BadInputIsRefusedWithPointersAndChangesNothing) {
  const std::string before = State();
  struct Case {
    json body;
    std::string pointers;
  };
  const std::vector<Case> cases = {
      {Hook("http://hooks.acme.example/x"), "/url"},
      {Hook("ftp://hooks.acme.example/x"), "/url"},
      {Hook("https://user:pw@hooks.acme.example/x"), "/url"},
      {Hook("https:///nohost"), "/url"},
      {{{"advertiser_id", advertiser_},
        {"url", "https://a.example"},
        {"event_types", {"com.nedlia.nothing.v1"}}},
       "/event_types/0"},
      {{{"advertiser_id", advertiser_},
        {"url", "https://a.example"},
        {"event_types", {kCampaignCreated, kCampaignCreated}}},
       "/event_types/1"},
      {{{"advertiser_id", advertiser_},
        {"url", "https://a.example"},
        {"event_types", json::array()}},
       "/event_types"},
      {{{"advertiser_id", advertiser_}, {"url", "https://a.example"}, {"event_types", {1}}},
       "/event_types/0"},
      {{{"advertiser_id", advertiser_}, {"url", "https://a.example"}}, "/event_types"},
      {{{"url", "https://a.example"}, {"event_types", {kCampaignCreated}}}, "/advertiser_id"},
      {{{"advertiser_id", advertiser_},
        {"url", "https://a.example"},
        {"event_types", {kCampaignCreated}},
        {"secret", "whsec_mine"}},
       "/secret"},
  };
  for (const Case& test : cases) {
    const auto reply = api_.Call("POST", "/v1/webhooks", test.body);
    EXPECT_EQ(reply.status, 422) << test.body.dump() << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << test.body;
    EXPECT_EQ(reply.ErrorPointers(), test.pointers) << test.body.dump() << " -> " << reply.raw;
  }
  EXPECT_EQ(State(), before);
}

TEST_F(WebhooksApiTest, LoopbackHttpIsAcceptedInDevelopment) {
  for (const char* url :
       {"http://127.0.0.1:9/hook", "http://localhost/hook", "http://[::1]:8080/hook"}) {
    EXPECT_EQ(api_.Call("POST", "/v1/webhooks", Hook(url)).status, 201) << url;
  }
}

TEST(WebhooksProductionApiTest, IpAddressesAndInternalNamesAreRefusedAtCreateAndUpdate) {
  ApiFixture api(std::chrono::seconds(15), nullptr, ProductionWebhooks());
  const std::string advertiser = api.NewAdvertiser("acme");
  const json valid = {{"advertiser_id", advertiser},
                      {"url", "https://hooks.acme.example/nedlia"},
                      {"event_types", {kCampaignCreated}}};
  const auto created = api.Call("POST", "/v1/webhooks", valid);
  ASSERT_EQ(created.status, 201) << created.raw;
  const auto events = api.Count("SELECT count(*) FROM event_log");
  for (const std::string& url : kInternalUrls) {
    json body = valid;
    body["url"] = url;
    const auto refused = api.Call("POST", "/v1/webhooks", body);
    EXPECT_EQ(refused.status, 422) << url << " -> " << refused.raw;
    EXPECT_EQ(refused.Header("Content-Type"), "application/problem+json") << url;
    EXPECT_EQ(refused.ErrorPointers(), "/url") << url << " -> " << refused.raw;
    const auto patched =
        api.Call("PATCH", "/v1/webhooks/" + created.Id(), json{{"url", url}}, {"If-Match: \"1\""});
    EXPECT_EQ(patched.status, 422) << url << " -> " << patched.raw;
    EXPECT_EQ(patched.ErrorPointers(), "/url") << url;
  }
  EXPECT_EQ(api.Count("SELECT count(*) FROM webhooks"), 1);
  EXPECT_EQ(api.Count("SELECT count(*) FROM event_log"), events);
  EXPECT_EQ(api.Call("GET", "/v1/webhooks/" + created.Id()).body["data"]["url"],
            "https://hooks.acme.example/nedlia");
}

TEST_F(WebhooksApiTest, DevelopmentAcceptsLoopbackAddressesButNoOtherInternalOne) {
  for (const char* url : {"https://127.0.0.2:8443/h", "https://[::1]/h", "https://localhost/h"})
    EXPECT_EQ(api_.Call("POST", "/v1/webhooks", Hook(url)).status, 201) << url;
  for (const char* url : {"https://10.0.0.1/h", "https://169.254.169.254/", "https://8.8.8.8/h",
                          "https://[::ffff:169.254.169.254]/"}) {
    const auto refused = api_.Call("POST", "/v1/webhooks", Hook(url));
    EXPECT_EQ(refused.status, 422) << url << " -> " << refused.raw;
    EXPECT_EQ(refused.ErrorPointers(), "/url") << url;
  }
}

/// Development's rules with room for `cap` webhooks per advertiser.
app::WebhookPolicy WithCap(int cap) {
  app::WebhookPolicy policy = DevelopmentWebhooks();
  policy.max_per_advertiser = cap;
  return policy;
}

TEST(WebhookCapApiTest, AnAdvertiserPastItsCapIsAConflictOthersAreNot) {
  ApiFixture api(std::chrono::seconds(15), nullptr, WithCap(3));
  const std::string acme = api.NewAdvertiser("acme");
  const std::string bolt = api.NewAdvertiser("bolt");
  const auto hook = [](const std::string& advertiser) {
    return json{{"advertiser_id", advertiser},
                {"url", "https://hooks.example.com/h"},
                {"event_types", {kCampaignCreated}}};
  };
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const auto created = api.Call("POST", "/v1/webhooks", hook(acme));
    ASSERT_EQ(created.status, 201) << created.raw;
    ids.push_back(created.Id());
  }
  const auto events = api.Count("SELECT count(*) FROM event_log");
  const auto refused = api.Call("POST", "/v1/webhooks", hook(acme));
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_EQ(refused.Header("Content-Type"), "application/problem+json");
  EXPECT_NE(refused.body.value("detail", "").find("3 webhooks"), std::string::npos) << refused.raw;
  EXPECT_EQ(api.Count("SELECT count(*) FROM event_log"), events) << "nothing was written";
  EXPECT_EQ(api.Call("POST", "/v1/webhooks", hook(bolt)).status, 201) << "a cap per advertiser";
  // A disabled webhook still counts (it can be enabled again); a deleted one does not.
  EXPECT_EQ(
      api.Call("PATCH", "/v1/webhooks/" + ids[0], json{{"status", "disabled"}}, {"If-Match: \"1\""})
          .status,
      200);
  EXPECT_EQ(api.Call("POST", "/v1/webhooks", hook(acme)).status, 409);
  EXPECT_EQ(api.Delete("/v1/webhooks/" + ids[1], 1).status, 204);
  EXPECT_EQ(api.Call("POST", "/v1/webhooks", hook(acme)).status, 201);
  EXPECT_EQ(api.Count("SELECT count(*) FROM webhooks WHERE deleted_at IS NULL AND "
                      "advertiser_id = '" +
                      acme + "'"),
            3);
}

TEST(WebhookCapApiTest, ConcurrentCreationsNeverPassTheCap) {
  ApiFixture api(std::chrono::seconds(15), nullptr, WithCap(3));
  const std::string acme = api.NewAdvertiser("acme");
  const json hook = {{"advertiser_id", acme},
                     {"url", "https://hooks.example.com/h"},
                     {"event_types", {kCampaignCreated}}};
  constexpr int kClients = 8;
  std::latch start(kClients);
  std::atomic<int> created = 0, conflicts = 0;
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      start.arrive_and_wait();
      const long status = api.Call("POST", "/v1/webhooks", hook).status;
      if (status == 201)
        ++created;
      else if (status == 409)
        ++conflicts;
    });
  }
  for (std::thread& client : clients)
    client.join();
  EXPECT_EQ(created.load(), 3);
  EXPECT_EQ(conflicts.load(), kClients - 3);
  EXPECT_EQ(api.Count("SELECT count(*) FROM webhooks"), 3);
}

TEST_F(WebhooksApiTest, AnAdvertiserKeySeesOnlyItsOwnWebhooks) {
  const std::string mine = api_.Call("POST", "/v1/webhooks", Hook()).Id();
  const std::string other_key = api_.AdvertiserKey(other_advertiser_);
  const std::string own_key = api_.AdvertiserKey(advertiser_);
  const std::string before = State();
  EXPECT_EQ(api_.Call("GET", "/v1/webhooks/" + mine, std::nullopt, {}, other_key).status, 404);
  EXPECT_EQ(
      api_.Call("GET", "/v1/webhooks/" + mine + "/deliveries", std::nullopt, {}, other_key).status,
      404);
  EXPECT_EQ(api_.Call("PATCH", "/v1/webhooks/" + mine, json{{"url", "https://evil.example"}},
                      {"If-Match: \"1\""}, other_key)
                .status,
            404);
  EXPECT_EQ(api_.Delete("/v1/webhooks/" + mine, 1, other_key).status, 404);
  const auto listed = api_.Call("GET", "/v1/webhooks", std::nullopt, {}, other_key);
  EXPECT_EQ(listed.status, 200);
  EXPECT_TRUE(listed.body["data"].empty()) << listed.raw;
  const auto forged = api_.Call("POST", "/v1/webhooks", Hook(), {}, other_key);
  EXPECT_EQ(forged.status, 422) << forged.raw;
  EXPECT_EQ(forged.ErrorPointers(), "/advertiser_id");
  EXPECT_EQ(State(), before);
  // The owner sees it: the 404s above are about tenancy, not a broken route.
  EXPECT_EQ(api_.Call("GET", "/v1/webhooks/" + mine, std::nullopt, {}, own_key).status, 200);
  json own = Hook();
  own.erase("advertiser_id");
  EXPECT_EQ(api_.Call("POST", "/v1/webhooks", own, {}, own_key).status, 201);
}

TEST_F(WebhooksApiTest, PatchNeedsTheCurrentVersionAndEmitsTheChanges) {
  const std::string id = api_.Call("POST", "/v1/webhooks", Hook()).Id();
  const json change = {{"url", "https://new.acme.example/h"}, {"status", "disabled"}};
  EXPECT_EQ(api_.Call("PATCH", "/v1/webhooks/" + id, change).status, 428);
  EXPECT_EQ(api_.Patch("/v1/webhooks/" + id, change, 7).status, 412);
  const auto bad = api_.Call("PATCH", "/v1/webhooks/" + id, json{{"url", "http://x.example"}},
                             {"If-Match: \"1\""});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.ErrorPointers(), "/url");
  const auto patched = api_.Patch("/v1/webhooks/" + id, change, 1);
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.Header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["data"]["status"], "disabled");
  EXPECT_FALSE(patched.body["data"]["disabled_at"].is_null());
  // The new URL's scheme and host only: its path may hold a token.
  const json event = api_.EventData("com.nedlia.webhook.updated.v2");
  EXPECT_EQ(event["changes"],
            json({{"url_origin", "https://new.acme.example"}, {"status", "disabled"}}));
  EXPECT_EQ(event["new_version"], 2);
  EXPECT_EQ(api_.EventData("com.nedlia.webhook.updated.v1")["changes"],
            json({{"url", "https://redacted.invalid/"}, {"status", "disabled"}}));
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log WHERE data::text ~ 'example/(h|nedlia)'"),
            0);
  const auto enabled =
      api_.Call("PATCH", "/v1/webhooks/" + id, json{{"status", "active"}}, {"If-Match: \"2\""});
  EXPECT_EQ(enabled.body["data"]["status"], "active");
  EXPECT_TRUE(enabled.body["data"]["disabled_at"].is_null());
}

TEST_F(WebhooksApiTest, DeleteIsSoftAndEmitsItsEvent) {
  const std::string id = api_.Call("POST", "/v1/webhooks", Hook()).Id();
  EXPECT_EQ(api_.Delete("/v1/webhooks/" + id, 1).status, 204);
  EXPECT_EQ(api_.Call("GET", "/v1/webhooks/" + id).status, 404);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM webhooks WHERE deleted_at IS NOT NULL"), 1);
  EXPECT_EQ(api_.EventData("com.nedlia.webhook.deleted.v1")["webhook_id"], id);
}

TEST_F(WebhooksApiTest, ListsPageWithACursor) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(api_.Call("POST", "/v1/webhooks", Hook()).status, 201);
  const auto first = api_.Call("GET", "/v1/webhooks?limit=2");
  ASSERT_EQ(first.body["data"].size(), 2u);
  const std::string cursor = first.body["meta"]["next_cursor"].get<std::string>();
  const auto second = api_.Call("GET", "/v1/webhooks?limit=2&cursor=" + cursor);
  EXPECT_EQ(second.body["data"].size(), 1u);
  EXPECT_TRUE(second.body["meta"]["next_cursor"].is_null());
}

}  // namespace
}  // namespace nedlia::testing
