// The webhook notifier end to end: events written through the real API, recorded by the
// notifier's consumer, sent by its senders to a real HTTP receiver on loopback that checks
// every signature.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <set>

#include "metrics/registry.hpp"
#include "notifier/delivery_queue.hpp"
#include "notifier/notifier.hpp"
#include "pg/pool.hpp"
#include "support/api_fixture.hpp"
#include "support/delivery_helpers.hpp"
#include "support/wait_for.hpp"
#include "support/webhook_receiver.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr const char* kCreated = "com.nedlia.campaign.created.v1";
constexpr const char* kUpdated = "com.nedlia.campaign.updated.v1";

/// Short timeouts and a schedule in milliseconds, so that retries happen within a test; as in
/// development, loopback receivers may be reached.
notifier::SenderOptions FastOptions() {
  return {.senders = 2,
          .poll = milliseconds(20),
          .connect_timeout = milliseconds(1000),
          .timeout = milliseconds(1500),
          .egress = domain::EgressPolicy::Development(),
          .retry_schedule = {milliseconds(50), milliseconds(50)},
          .environment = "test",
          .lease_margin = milliseconds(200)};
}

/// The same outside development: no non-public network may be reached, loopback included.
notifier::SenderOptions ProductionOptions() {
  notifier::SenderOptions options = FastOptions();
  options.egress = {};
  return options;
}

/// A port on 127.0.0.1 nothing listens on (bound, then closed).
int ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(fd);
  return ntohs(address.sin_port);
}

/// What libcurl or the system say about a failed transfer, and where it went: none of it may
/// reach a tenant (it would make webhooks a port scanner of our network).
const std::vector<std::string> kTransportWords = {
    "127.0.0.1", "localhost",  "::1",     "Couldn't",  "Failed", "failed to", "SSL",
    "ssl",       "Connection", "Timeout", "timed out", "HTTP 5", "version"};

void ExpectNoTransportText(const std::string& text) {
  for (const std::string& word : kTransportWords)
    EXPECT_EQ(text.find(word), std::string::npos) << "\"" << word << "\" in " << text;
}

class NotifierTest : public ::testing::Test {
 protected:
  NotifierTest()
      : pool_({.url = api_.Database().Url(), .max_size = 6}),
        recorder_(notifier::MakeRecorder(pool_, events::Catalog::Embedded())) {
    recorder_.Subscribe();
    advertiser_ = api_.NewAdvertiser("acme");
  }

  /// Registers a webhook at the receiver's `path`; the receiver learns its secret.
  std::string Register(const std::string& path, const std::vector<std::string>& types,
                       const std::string& advertiser = "") {
    return RegisterUrl(receiver_.Url(path), path, types, advertiser);
  }

  /// Registers a webhook at `url`, which the receiver knows as `path`.
  std::string RegisterUrl(const std::string& url, const std::string& path,
                          const std::vector<std::string>& types,
                          const std::string& advertiser = "") {
    const auto reply =
        api_.Call("POST", "/v1/webhooks",
                  json{{"advertiser_id", advertiser.empty() ? advertiser_ : advertiser},
                       {"url", url},
                       {"event_types", types}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    receiver_.SetSecret(path, reply.body["data"]["secret"].get<std::string>());
    return reply.Id();
  }

  /// The receiver's URL for `path` with another host (localhost) or scheme (https).
  std::string ReceiverUrl(const std::string& path, const std::string& scheme_and_host) const {
    std::string url = receiver_.Url(path);
    return scheme_and_host + url.substr(url.find(':', 5));
  }

  std::string NewCampaign(const std::string& advertiser = "") {
    const auto reply =
        api_.Call("POST", "/v1/campaigns",
                  json{{"advertiser_id", advertiser.empty() ? advertiser_ : advertiser},
                       {"name", "Summer"},
                       {"budget", 100},
                       {"currency", "USD"},
                       {"start_date", "2026-06-01"},
                       {"end_date", "2026-08-31"}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  /// Runs the recorder until every event of its types written so far is behind it.
  void Record() {
    const std::int64_t events = api_.Count(
        "SELECT count(*) FROM event_log WHERE event_type LIKE 'com.nedlia.campaign.%' OR "
        "event_type LIKE 'com.nedlia.advertiser.%'");
    const std::int64_t fresh = events - recorded_;
    RunUntil(recorder_, [&](int moved) { return moved >= fresh; });
    recorded_ = events;
  }

  std::int64_t Deliveries(const std::string& where = "true") const {
    return api_.Count("SELECT count(*) FROM webhook_deliveries WHERE " + where);
  }

  json DeliveryLog(const std::string& webhook) {
    const auto reply = api_.Call("GET", "/v1/webhooks/" + webhook + "/deliveries");
    EXPECT_EQ(reply.status, 200) << reply.raw;
    return reply.body["data"];
  }

  /// Sends due deliveries on this thread until `done` holds or `timeout` passes.
  template <class Done>
  void SendUntil(notifier::Senders& senders, Done done,
                 milliseconds timeout = milliseconds(10000)) {
    WaitFor(
        [&] {
          bool sent = true;
          while (sent && !done())
            sent = senders.SendOne();  // until nothing is due; then WaitFor pauses
          return done();
        },
        timeout);
  }

  ApiFixture api_;
  WebhookReceiver receiver_;
  pg::Pool pool_;
  consumers::Consumer recorder_;
  std::int64_t recorded_ = 0;  ///< events the recorder has moved past
  std::string advertiser_;
};

TEST_F(NotifierTest, DeliversTheEventSignedWithTheSecretFromPost) {
  const std::string webhook = Register("/a", {kCreated});
  NewCampaign();
  Record();
  notifier::Senders senders(pool_, FastOptions());
  ASSERT_TRUE(senders.SendOne());
  ASSERT_EQ(receiver_.Received("/a").size(), 1u);
  const ReceivedWebhook got = receiver_.Received("/a")[0];
  EXPECT_TRUE(got.signature_valid) << got.signature;
  EXPECT_EQ(got.content_type, "application/cloudevents+json; charset=utf-8")
      << "the CloudEvents HTTP binding's structured mode";
  const json event = json::parse(got.body);
  EXPECT_EQ(event["specversion"], "1.0");
  EXPECT_EQ(event["type"], kCreated);
  EXPECT_EQ(event["data"]["advertiser_id"], advertiser_);
  EXPECT_EQ(event["id"], api_.QueryText("SELECT id::text FROM event_log WHERE event_type = $1",
                                        pg::Params(std::string(kCreated))));

  const json log = DeliveryLog(webhook);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["id"], got.id) << "webhook-id is the delivery's id";
  EXPECT_EQ(log[0]["event_id"], event["id"]);
  EXPECT_EQ(log[0]["event_type"], kCreated);
  EXPECT_EQ(log[0]["status"], "succeeded");
  EXPECT_EQ(log[0]["attempts"], 1);
  EXPECT_EQ(log[0]["response_status"], 200);
  EXPECT_FALSE(log[0]["delivered_at"].is_null());
  EXPECT_FALSE(senders.SendOne()) << "nothing left to send";
}

TEST_F(NotifierTest, RetriesOnTheScheduleWithTheSameWebhookIdThenSucceeds) {
  const std::string webhook = Register("/flaky", {kCreated});
  receiver_.FailNext("/flaky", 2);
  NewCampaign();
  Record();
  notifier::Senders senders(pool_, FastOptions());
  const auto outcome = [](const char* name) {
    return metrics::Registry::Process()
        .GetCounter("nedlia_webhook_deliveries_total", "", metrics::Label("outcome", name))
        .Value();
  };
  const std::uint64_t failed_before = outcome("failed");
  const std::uint64_t delivered_before = outcome("delivered");
  SendUntil(senders, [&] { return Deliveries("status = 'succeeded'") == 1; });
  EXPECT_EQ(outcome("failed") - failed_before, 2);
  EXPECT_EQ(outcome("delivered") - delivered_before, 1);
  const auto got = receiver_.Received("/flaky");
  ASSERT_EQ(got.size(), 3u);
  for (const auto& request : got) {
    EXPECT_EQ(request.id, got[0].id) << "one webhook-id across retries";
    EXPECT_EQ(request.body, got[0].body) << "the same bytes on every attempt";
    EXPECT_TRUE(request.signature_valid);
  }
  const json log = DeliveryLog(webhook);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0]["status"], "succeeded");
  EXPECT_EQ(log[0]["attempts"], 3);
  const auto read = api_.Call("GET", "/v1/webhooks/" + webhook);
  EXPECT_EQ(read.body["data"]["consecutive_failures"], 0) << "a success starts the count over";
  EXPECT_EQ(read.Header("ETag"), "\"1\"") << "deliveries do not change the webhook's version";
}

TEST_F(NotifierTest, SustainedFailureDisablesTheWebhookWithAnEvent) {
  const std::string webhook = Register("/down", {kCreated});
  receiver_.SetMode("/down", ReceiverMode::kFail);
  NewCampaign();
  NewCampaign();
  Record();
  notifier::Senders senders(pool_, FastOptions());
  const std::uint64_t gave_up_before =
      metrics::Registry::Process()
          .GetCounter("nedlia_webhook_deliveries_total", "", metrics::Label("outcome", "gave_up"))
          .Value();
  SendUntil(senders, [&] { return api_.EventCount("com.nedlia.webhook.disabled.v2") == 1; });
  ASSERT_EQ(api_.EventCount("com.nedlia.webhook.disabled.v2"), 1);
  EXPECT_EQ(metrics::Registry::Process()
                    .GetCounter("nedlia_webhook_deliveries_total", "",
                                metrics::Label("outcome", "gave_up"))
                    .Value() -
                gave_up_before,
            1);
  const json disabled = api_.EventData("com.nedlia.webhook.disabled.v2");
  EXPECT_EQ(disabled["webhook_id"], webhook);
  EXPECT_EQ(disabled["last_error"], "http_status");
  EXPECT_FALSE(disabled.contains("url"));  // its scheme and host only: the path may hold a token
  EXPECT_EQ(disabled["url_origin"].get<std::string>().rfind("http", 0), 0u);
  EXPECT_GE(disabled["consecutive_failures"].get<int>(), 3);
  const auto read = api_.Call("GET", "/v1/webhooks/" + webhook);
  EXPECT_EQ(read.body["data"]["status"], "disabled");
  EXPECT_FALSE(read.body["data"]["disabled_at"].is_null());
  // The delivery that ran out of attempts failed; the other one is abandoned, not sent.
  EXPECT_EQ(Deliveries("status = 'failed' AND attempts = 3"), 1);
  EXPECT_EQ(Deliveries("status = 'abandoned'"), 1);
  const std::size_t sent = receiver_.Received("/down").size();
  NewCampaign();
  Record();
  EXPECT_FALSE(senders.SendOne());
  EXPECT_EQ(receiver_.Received("/down").size(), sent) << "a disabled webhook gets nothing";
  EXPECT_EQ(Deliveries(), 2) << "and records nothing";
}

TEST_F(NotifierTest, OnlySubscribedTypesOfTheWebhooksAdvertiserAreDelivered) {
  const std::string other = api_.NewAdvertiser("bolt");
  Register("/updates", {kUpdated});
  const std::string campaign = NewCampaign();  // created: not subscribed
  NewCampaign(other);                          // another advertiser's
  const auto patched = api_.Call("PATCH", "/v1/campaigns/" + campaign, json{{"name", "Winter"}},
                                 {"If-Match: \"1\""});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  const auto other_campaign = NewCampaign(other);
  api_.Call("PATCH", "/v1/campaigns/" + other_campaign, json{{"name", "Theirs"}},
            {"If-Match: \"1\""});
  Record();
  notifier::Senders senders(pool_, FastOptions());
  SendUntil(senders, [&] { return !receiver_.Received("/updates").empty(); });
  EXPECT_FALSE(senders.SendOne());
  const auto got = receiver_.Received("/updates");
  ASSERT_EQ(got.size(), 1u);
  const json event = json::parse(got[0].body);
  EXPECT_EQ(event["type"], kUpdated);
  EXPECT_EQ(event["subject"], campaign);
}

TEST_F(NotifierTest, HandlingAnEventAgainKeepsItsOneDelivery) {
  Register("/once", {kCreated});
  NewCampaign();
  Record();
  // The consumer is moved back, as after a crash before its position committed.
  api_.Sql().Execute("DELETE FROM processed_events WHERE consumer = 'notifier'");
  api_.Sql().Execute(
      "UPDATE event_subscriptions SET last_transaction_id = '0', last_position = 0 "
      "WHERE consumer = 'notifier'");
  recorded_ = 0;
  Record();
  EXPECT_EQ(Deliveries(), 1);
  notifier::Senders senders(pool_, FastOptions());
  SendUntil(senders, [&] { return !receiver_.Received("/once").empty(); });
  EXPECT_FALSE(senders.SendOne());
  EXPECT_EQ(receiver_.Received("/once").size(), 1u);
}

TEST_F(NotifierTest, ACrashedSendersClaimExpiresAndTheRetryKeepsTheWebhookId) {
  Register("/crash", {kCreated});
  NewCampaign();
  Record();
  const notifier::SenderOptions options = FastOptions();
  notifier::DeliveryQueue queue(pool_, options);
  const auto claimed = queue.Claim();  // and then the sender dies without a word
  ASSERT_TRUE(claimed);
  notifier::Senders senders(pool_, options);
  EXPECT_FALSE(senders.SendOne()) << "the claim holds while its lease runs";
  SendUntil(senders, [&] { return !receiver_.Received("/crash").empty(); });
  const auto got = receiver_.Received("/crash");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, claimed->id.ToString());
  EXPECT_TRUE(got[0].signature_valid);
  EXPECT_EQ(Deliveries("status = 'succeeded' AND attempts = 2"), 1);
}

TEST_F(NotifierTest, MisbehavingReceiversNeverStallOtherDeliveries) {
  Register("/hang", {kCreated});
  Register("/redirect", {kCreated});
  Register("/huge", {kCreated});
  const std::string healthy = Register("/healthy", {kCreated});
  receiver_.SetMode("/hang", ReceiverMode::kHang);
  receiver_.SetMode("/redirect", ReceiverMode::kRedirect);
  receiver_.SetMode("/huge", ReceiverMode::kHugeBody);
  NewCampaign();
  Record();
  notifier::SenderOptions options = FastOptions();
  options.timeout = milliseconds(6000);  // the hanging one holds a sender that long
  options.retry_schedule = {std::chrono::minutes(10)};
  const auto started = std::chrono::steady_clock::now();
  notifier::Senders senders(pool_, options);
  senders.Start();
  ASSERT_TRUE(receiver_.WaitFor("/hang", 1));
  EXPECT_TRUE(receiver_.WaitFor("/healthy", 1, milliseconds(5000)));
  EXPECT_TRUE(receiver_.WaitFor("/redirect", 1, milliseconds(5000)));
  EXPECT_TRUE(receiver_.WaitFor("/huge", 1, milliseconds(5000)));
  // Each outcome is recorded while the hanging receiver still holds its sender.
  const auto recorded = [&](const std::string& condition, std::int64_t expected = 1) {
    WaitFor([&] { return Deliveries(condition) >= expected; }, milliseconds(4000));
    return Deliveries(condition);
  };
  EXPECT_EQ(recorded("status = 'succeeded' AND webhook_id = '" + healthy + "'"), 1);
  EXPECT_EQ(recorded("status = 'pending' AND attempts = 1 AND error = 'http_status' AND "
                     "response_status = 302"),
            1)
      << "a redirect is a failure, never followed";
  EXPECT_EQ(recorded("status = 'succeeded' AND response_status = 200", 2), 2)
      << "a huge 200 body is cut short and counts as a success";
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(5000))
      << "all of it happened while the hanging receiver held its sender";
  EXPECT_EQ(receiver_.Received("/redirect").size(), 1u);
  EXPECT_TRUE(receiver_.Received("/elsewhere").empty()) << "the redirect was not followed";
}

TEST_F(NotifierTest, AHangingReceiverTimesOutAsAFailedAttempt) {
  Register("/slow", {kCreated});
  receiver_.SetMode("/slow", ReceiverMode::kHang);
  NewCampaign();
  Record();
  notifier::SenderOptions options = FastOptions();
  options.timeout = milliseconds(300);
  options.retry_schedule = {std::chrono::minutes(10)};
  notifier::Senders senders(pool_, options);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(senders.SendOne());
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(3000));
  EXPECT_EQ(Deliveries("status = 'pending' AND attempts = 1 AND response_status IS NULL AND "
                       "error = 'timeout'"),
            1)
      << api_.QueryText("SELECT coalesce(string_agg(error, ','), '') FROM webhook_deliveries");
}

TEST_F(NotifierTest, OutsideDevelopmentLoopbackIsRefusedAtConnectTime) {
  // Registered under development's rules; a production notifier must still not connect: a URL
  // may have been accepted under other rules, or its public name may resolve to loopback
  // (DNS rebinding). Only the address actually connected to can be trusted.
  const std::string by_address = Register("/by-address", {kCreated});
  const std::string by_name =
      RegisterUrl(ReceiverUrl("/by-name", "http://localhost"), "/by-name", {kCreated});
  NewCampaign();
  Record();
  {
    notifier::Senders production(pool_, ProductionOptions());
    SendUntil(production, [&] { return Deliveries("error IS NOT NULL") == 2; });
  }
  EXPECT_TRUE(receiver_.Received("/by-address").empty()) << "no request reached the receiver";
  EXPECT_TRUE(receiver_.Received("/by-name").empty());
  for (const std::string& webhook : {by_address, by_name}) {
    const auto reply = api_.Call("GET", "/v1/webhooks/" + webhook + "/deliveries");
    ASSERT_EQ(reply.body["data"].size(), 1u) << reply.raw;
    const json& delivery = reply.body["data"][0];
    EXPECT_EQ(delivery["error"], "address_refused") << reply.raw;
    EXPECT_EQ(delivery["status"], "pending") << "retried on the schedule like any failure";
    EXPECT_TRUE(delivery["response_status"].is_null());
    ExpectNoTransportText(reply.raw);
  }
  // The same deliveries from a development notifier, where loopback is allowed, arrive.
  notifier::Senders development(pool_, FastOptions());
  SendUntil(development, [&] { return Deliveries("status = 'succeeded'") == 2; });
  EXPECT_EQ(receiver_.Received("/by-address").size(), 1u);
  EXPECT_EQ(receiver_.Received("/by-name").size(), 1u);
}

TEST_F(NotifierTest, TenantsSeeErrorClassesNeverTransportText) {
  const std::string closed =
      RegisterUrl("http://127.0.0.1:" + std::to_string(ClosedLoopbackPort()) + "/closed", "/closed",
                  {kCreated});
  const std::string slow = Register("/slow", {kCreated});
  const std::string failing = Register("/fail", {kCreated});
  const std::string tls = RegisterUrl(ReceiverUrl("/tls", "https://127.0.0.1"), "/tls", {kCreated});
  receiver_.SetMode("/slow", ReceiverMode::kHang);
  receiver_.SetMode("/fail", ReceiverMode::kFail);
  NewCampaign();
  Record();
  notifier::SenderOptions options = FastOptions();
  options.timeout = milliseconds(300);
  options.retry_schedule = {std::chrono::minutes(10)};
  notifier::Senders senders(pool_, options);
  SendUntil(senders, [&] { return Deliveries("error IS NOT NULL") == 4; });
  const std::map<std::string, std::string> expected = {
      {closed, "connection_failed"}, {slow, "timeout"}, {failing, "http_status"}, {tls, "tls"}};
  for (const auto& [webhook, error] : expected) {
    const auto reply = api_.Call("GET", "/v1/webhooks/" + webhook + "/deliveries");
    ASSERT_EQ(reply.body["data"].size(), 1u) << reply.raw;
    EXPECT_EQ(reply.body["data"][0]["error"], error) << reply.raw;
    ExpectNoTransportText(reply.raw);
  }
  EXPECT_EQ(DeliveryLog(failing)[0]["response_status"], 500) << "the status itself is shown";
}

TEST_F(NotifierTest, DeliveriesLoggedBeforeErrorClassesShowOnlyAClass) {
  // Written before error classes existed, or by the previous release during a rolling upgrade.
  const std::map<std::string, json> legacy = {
      {"Couldn't connect to server", "connection_failed"},
      {"Failed to connect to 10.0.0.7 port 8080 after 2 ms: Connection refused",
       "connection_failed"},
      {"Timeout was reached", "timeout"},
      {"Couldn't resolve host name", "dns"},
      {"SSL peer certificate or SSH remote key was not OK", "tls"},
      {"HTTP 503", "http_status"},
      {"the webhook was deleted", nullptr}};
  const std::string webhook = Register("/legacy", {kCreated});
  for (std::size_t i = 0; i < legacy.size(); ++i)
    NewCampaign();
  Record();
  std::size_t row = 0;
  for (const auto& [text, expected] : legacy) {
    api_.Sql().Execute(
        "UPDATE webhook_deliveries SET error = $1 WHERE id = (SELECT id FROM webhook_deliveries "
        "ORDER BY id OFFSET $2 LIMIT 1)",
        pg::Params(text, static_cast<std::int64_t>(row++)));
  }
  const auto reply = api_.Call("GET", "/v1/webhooks/" + webhook + "/deliveries");
  ASSERT_EQ(reply.body["data"].size(), legacy.size()) << reply.raw;
  std::multiset<std::string> shown;
  for (const json& delivery : reply.body["data"])
    shown.insert(delivery["error"].dump());
  std::multiset<std::string> classes;
  for (const auto& [text, expected] : legacy)
    classes.insert(expected.dump());
  EXPECT_EQ(shown, classes);
  ExpectNoTransportText(reply.raw);
  EXPECT_EQ(reply.raw.find("10.0.0.7"), std::string::npos);
}

}  // namespace
}  // namespace nedlia::testing
