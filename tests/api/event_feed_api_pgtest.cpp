// GET /v1/events: the committed events as CloudEvents, in log order, paged by position, each
// key seeing only what it may.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>

#include "events/envelope.hpp"
#include "support/api_fixture.hpp"
#include "support/stream_client.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class EventFeedApiTest : public ::testing::Test {
 protected:
  std::string CreateProduct(const std::string& advertiser, const std::string& name) {
    const auto reply =
        api_.Call("POST", "/v1/products", json{{"advertiser_id", advertiser}, {"name", name}});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  /// Every page of the feed from the start, for a key, once `ready` holds of them (events
  /// show once every transaction older than theirs, in any database of the cluster, ended:
  /// other tests' too), or after 20 s.
  std::vector<json> ReadAll(const std::optional<std::string>& key, const std::string& query,
                            const std::function<bool(const std::vector<json>&)>& ready,
                            int limit = 2) {
    std::vector<json> events;
    WaitFor([&] {
      events = ReadPages(key, query, limit);
      return ready(events);
    });
    return events;
  }

  std::vector<json> ReadPages(const std::optional<std::string>& key, const std::string& query,
                              int limit) {
    std::vector<json> events;
    std::string after;
    for (int page = 0; page < 100; ++page) {
      const auto reply = api_.Call("GET",
                                   "/v1/events?limit=" + std::to_string(limit) + query +
                                       (after.empty() ? "" : "&after=" + after),
                                   std::nullopt, {}, key);
      EXPECT_EQ(reply.status, 200) << reply.raw;
      if (reply.body["data"].empty())
        break;
      for (const json& event : reply.body["data"])
        events.push_back(event);
      after = reply.body["meta"]["next_after"].get<std::string>();
    }
    return events;
  }

  ApiFixture api_;
};

TEST_F(EventFeedApiTest, PagesThroughCommittedEventsAsCloudEventsInLogOrder) {
  const std::string acme = api_.NewAdvertiser("Acme");
  CreateProduct(acme, "Rocket");
  CreateProduct(acme, "Anvil");
  const std::vector<json> events =
      ReadAll(std::nullopt, "&type=com.nedlia.product.created.v1",
              [](const std::vector<json>& seen) { return seen.size() >= 2; });
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0]["data"]["name"], "Rocket");
  EXPECT_EQ(events[1]["data"]["name"], "Anvil");
  for (const json& event : events) {
    EXPECT_EQ(event["specversion"], "1.0");
    EXPECT_EQ(event["type"], "com.nedlia.product.created.v1");
    EXPECT_EQ(event["source"], "/products");
    EXPECT_EQ(event["dataschema"],
              "http://127.0.0.1:8080/v1/schemas/events/com.nedlia.product.created.v1");
    EXPECT_TRUE(event.contains("time"));
    EXPECT_TRUE(event.contains("traceparent"));
  }
  // The position of each event continues the feed after it.
  const auto after_first = api_.Call("GET", "/v1/events?type=com.nedlia.product.created.v1&after=" +
                                                events[0]["nedliaposition"].get<std::string>());
  ASSERT_EQ(after_first.body["data"].size(), 1U);
  EXPECT_EQ(after_first.body["data"][0]["id"], events[1]["id"]);
  // At the end the cursor stays put, so a client polls with it.
  const auto end =
      api_.Call("GET", "/v1/events?after=" + events[1]["nedliaposition"].get<std::string>() +
                           "&type=com.nedlia.product.created.v1");
  EXPECT_TRUE(end.body["data"].empty());
  EXPECT_EQ(end.body["meta"]["next_after"], events[1]["nedliaposition"]);
}

TEST_F(EventFeedApiTest, AfterZeroStartsTheFeedAndTheStreamAtTheLogsStart) {
  const std::string acme = api_.NewAdvertiser("Acme");
  CreateProduct(acme, "Rocket");
  const std::string type = "&type=com.nedlia.product.created.v1";
  const std::vector<json> from_start =
      ReadAll(std::nullopt, type, [](const std::vector<json>& seen) { return !seen.empty(); });
  ASSERT_EQ(from_start.size(), 1U);
  const auto zero = api_.Call("GET", "/v1/events?after=0" + type);
  ASSERT_EQ(zero.status, 200) << zero.raw;
  ASSERT_EQ(zero.body["data"].size(), 1U);
  EXPECT_EQ(zero.body["data"][0]["id"], from_start[0]["id"]);
  EXPECT_EQ(zero.body["meta"]["next_after"], from_start[0]["nedliaposition"]);
  // An EventSource that counts from 0 starts there too.
  StreamClient client(api_.Port(),
                      "GET /v1/events/stream?type=com.nedlia.product.created.v1 HTTP/1.1\r\n"
                      "Host: test\r\nLast-Event-ID: 0\r\nAuthorization: Bearer " +
                          api_.AdminKey() + "\r\n\r\n");
  const std::string& streamed = client.ReadUntil("Rocket");
  EXPECT_NE(streamed.find("200 OK"), std::string::npos) << streamed;
  EXPECT_NE(streamed.find("Rocket"), std::string::npos) << streamed;
  // Other numbers are no position.
  EXPECT_EQ(api_.Call("GET", "/v1/events?after=1").ErrorPointers(), "/query/after");
  EXPECT_EQ(api_.Call("GET", "/v1/events?after=00").ErrorPointers(), "/query/after");
}

TEST_F(EventFeedApiTest, AnAdvertiserKeyReadsOnlyItsOwnAdvertisersEvents) {
  const std::string acme = api_.NewAdvertiser("Acme");
  const std::string globex = api_.NewAdvertiser("Globex");
  CreateProduct(acme, "Rocket");
  CreateProduct(globex, "Laser");
  const auto video = api_.Call("POST", "/v1/videos", json{{"title", "Intro"}, {"duration", 60}});
  ASSERT_EQ(video.status, 201) << video.raw;

  auto has_video = [](const std::vector<json>& events) {
    return std::any_of(events.begin(), events.end(), [](const json& event) {
      return event["type"] == "com.nedlia.video.registered.v1";
    });
  };
  // The admin sees everything (waiting until the last event shows: then all of them do).
  EXPECT_TRUE(has_video(ReadAll(std::nullopt, "", has_video, 50)));

  const std::string acme_key = api_.AdvertiserKey(acme);
  const std::vector<json> seen = ReadAll(
      acme_key, "", [](const std::vector<json>&) { return true; }, 50);
  ASSERT_FALSE(seen.empty());
  for (const json& event : seen) {
    const std::string type = event["type"];
    EXPECT_FALSE(type.starts_with("com.nedlia.video.")) << "the video catalog is for admins";
    if (event["data"].contains("advertiser_id")) {
      EXPECT_EQ(event["data"]["advertiser_id"], acme) << event.dump();
    }
    EXPECT_NE(event["data"].value("name", ""), "Laser");
  }
}

TEST_F(EventFeedApiTest, TheStreamSendsEventsAsTheyCommitAndResumesAfterLastEventId) {
  const std::string acme = api_.NewAdvertiser("Acme");
  CreateProduct(acme, "Rocket");
  const std::string request =
      "GET /v1/events/stream?type=com.nedlia.product.created.v1 "
      "HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " +
      api_.AdminKey() + "\r\n";
  std::string rocket_id;
  {
    StreamClient client(api_.Port(), request + "\r\n");
    const std::string& first = client.ReadUntil("Rocket");
    EXPECT_NE(first.find("HTTP/1.1 200 OK"), std::string::npos) << first;
    EXPECT_NE(first.find("Content-Type: text/event-stream"), std::string::npos) << first;
    EXPECT_NE(first.find("event: com.nedlia.product.created.v1\ndata: {"), std::string::npos)
        << first;
    const auto id_at = first.find("id: ");
    ASSERT_NE(id_at, std::string::npos);
    rocket_id = first.substr(id_at + 4, first.find('\n', id_at) - id_at - 4);
    CreateProduct(acme, "Anvil");  // committed while the client listens
    EXPECT_NE(client.ReadUntil("Anvil").find("Anvil"), std::string::npos);
  }
  // A reconnecting EventSource resumes after the last id it saw.
  StreamClient resumed(api_.Port(), request + "Last-Event-ID: " + rocket_id + "\r\n\r\n");
  const std::string& replay = resumed.ReadUntil("Anvil");
  EXPECT_NE(replay.find("Anvil"), std::string::npos) << replay;
  EXPECT_EQ(replay.find("Rocket"), std::string::npos) << replay;
}

TEST_F(EventFeedApiTest, AKeyPastItsStreamCapIsAnswered429) {
  const std::string request =
      "GET /v1/events/stream HTTP/1.1\r\nHost: test\r\n"
      "Authorization: Bearer " +
      api_.AdminKey() + "\r\n\r\n";
  std::vector<std::unique_ptr<StreamClient>> open;
  for (int i = 0; i < 20; ++i) {  // the default cap per key
    open.push_back(std::make_unique<StreamClient>(api_.Port(), request));
    ASSERT_NE(open.back()->ReadUntil("nedlia event stream").find("200 OK"), std::string::npos);
  }
  const auto refused = api_.Call("GET", "/v1/events/stream");
  EXPECT_EQ(refused.status, 429) << refused.raw;
  EXPECT_EQ(refused.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(refused.body["type"], "urn:nedlia:problem:too-many-requests");
  // Another key is not affected.
  const std::string other = api_.AdvertiserKey(api_.NewAdvertiser("Other"));
  StreamClient allowed(api_.Port(),
                       "GET /v1/events/stream HTTP/1.1\r\nHost: test\r\n"
                       "Authorization: Bearer " +
                           other + "\r\n\r\n");
  EXPECT_NE(allowed.ReadUntil("nedlia event stream").find("200 OK"), std::string::npos);
}

TEST_F(EventFeedApiTest, RevokingAKeyEndsItsOpenStream) {
  const std::string acme = api_.NewAdvertiser("Acme");
  const std::string key = api_.AdvertiserKey(acme);
  StreamClient client(api_.Port(),
                      "GET /v1/events/stream HTTP/1.1\r\nHost: test\r\n"
                      "Authorization: Bearer " +
                          key + "\r\n\r\n");
  ASSERT_NE(client.ReadUntil("nedlia event stream").find("200 OK"), std::string::npos);
  api_.Sql().Execute("UPDATE api_keys SET revoked_at = now() WHERE advertiser_id = $1",
                     pg::Params(acme));
  const std::string& ended = client.ReadUntil("0\r\n\r\n");
  EXPECT_NE(ended.find(": nedlia: the API key was revoked"), std::string::npos) << ended;
  EXPECT_NE(ended.find("0\r\n\r\n"), std::string::npos) << "the body ended";
}

TEST_F(EventFeedApiTest, APageEndsAtAMegabyteWhateverItsLimit) {
  // Five events of 400 kB (written before the size cap, or by an operator): one page of 100
  // would weigh 2 MB; pages stop past 1 MiB, and together still hold every event once.
  api_.Sql().Execute(R"sql(
      INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
      SELECT 'com.nedlia.product.updated.v1', 'product', id,
             jsonb_build_object('product_id', id, 'previous_version', g, 'new_version', g + 1,
                                'changes', jsonb_build_object('assets',
                                                              jsonb_build_array(repeat('x', 400000)))),
             jsonb_build_object('source', '/products', 'subject', id,
                                'datacontenttype', 'application/json',
                                'dataschema', $1::text || 'com.nedlia.product.updated.v1')
      FROM (SELECT g, gen_random_uuid() AS id FROM generate_series(1, 5) g) fresh)sql",
                     pg::Params(events::EnvelopeSettings{}.schema_base_url));
  std::vector<json> first;
  ApiReply page;
  WaitFor([&] {
    page = api_.Call("GET", "/v1/events?limit=100");
    return !page.body["data"].empty();
  });
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body["data"].size(), 2u);
  EXPECT_LT(page.raw.size(), 1100000u);
  const std::vector<json> all = ReadAll(
      std::nullopt, "", [](const std::vector<json>& events) { return events.size() >= 5; }, 100);
  ASSERT_EQ(all.size(), 5u);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(all[static_cast<std::size_t>(i)]["data"]["previous_version"], i + 1);
}

TEST_F(EventFeedApiTest, BadQueriesNameTheParameter) {
  const auto after = api_.Call("GET", "/v1/events?after=yesterday");
  EXPECT_EQ(after.status, 422);
  EXPECT_EQ(after.ErrorPointers(), "/query/after");
  const auto type = api_.Call("GET", "/v1/events?type=Placement%20Created");
  EXPECT_EQ(type.status, 422);
  EXPECT_EQ(type.ErrorPointers(), "/query/type");
  const auto limit = api_.Call("GET", "/v1/events?limit=5000");
  EXPECT_EQ(limit.status, 422);
  EXPECT_EQ(limit.ErrorPointers(), "/query/limit");
  EXPECT_EQ(api_.Call("GET", "/v1/events", std::nullopt, {}, std::string("nope")).status, 401);
  const auto last_id =
      api_.Call("GET", "/v1/events/stream", std::nullopt, {"Last-Event-ID: yesterday"});
  EXPECT_EQ(last_id.status, 422);
  EXPECT_EQ(last_id.ErrorPointers(), "/header/Last-Event-ID");
}

}  // namespace
}  // namespace nedlia::testing

namespace nedlia::testing {
namespace {

TEST(EventStreamShutdownTest, AnOpenStreamDoesNotHoldTheServersStopBack) {
  auto api = std::make_unique<ApiFixture>();
  StreamClient client(api->Port(),
                      "GET /v1/events/stream HTTP/1.1\r\nHost: test\r\n"
                      "Authorization: Bearer " +
                          api->AdminKey() + "\r\n\r\n");
  ASSERT_NE(client.ReadUntil("nedlia event stream").find("200 OK"), std::string::npos);
  const auto stopping = std::chrono::steady_clock::now();
  api.reset();  // stops the server while the client still listens
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(3));
  // The stream ended properly: the last chunk arrived.
  EXPECT_NE(client.ReadUntil("0\r\n\r\n").find("0\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace nedlia::testing
