// /v1/placements end to end: the real server and middleware over a fresh database.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class PlacementsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    advertiser_ = api_.QueryText(
        "INSERT INTO advertisers (name, contact_email) VALUES ('Acme', "
        "'ads@acme.example') RETURNING id");
    product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" + advertiser_ +
                              "', 'Cola') RETURNING id");
    video_ = api_.QueryText(
        "INSERT INTO videos (title, duration, status) VALUES ('Trailer', 60, "
        "'ready') RETURNING id");
  }

  json Placement(double start, double end) {
    return {{"video_id", video_},
            {"product_id", product_},
            {"time_range", {{"start_time", start}, {"end_time", end}}}};
  }

  ApiFixture api_;
  std::string advertiser_, product_, video_;
};

TEST_F(PlacementsApiTest, CreateReturnsThePlacementWithItsETagAndEmitsItsEvent) {
  const auto created = api_.Call("POST", "/v1/placements", Placement(12.5, 20));
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& data = created.body["data"];
  EXPECT_EQ(data["time_range"], json({{"start_time", 12.5}, {"end_time", 20.0}}));
  EXPECT_EQ(data["status"], "active");
  EXPECT_EQ(data["advertiser_id"], advertiser_);
  EXPECT_EQ(data["version"], 1);
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  EXPECT_EQ(created.Header("Location"), "/v1/placements/" + created.Id());
  // The answer is the stored row, database defaults (timestamps, version) included.
  const auto fetched = api_.Call("GET", "/v1/placements/" + created.Id());
  ASSERT_EQ(fetched.status, 200) << fetched.raw;
  EXPECT_EQ(fetched.body["data"], data);
  EXPECT_EQ(data["created_at"], data["updated_at"]);

  const auto event = api_.Sql()
                         .Execute(
                             "SELECT data::text, metadata::text FROM event_log WHERE "
                             "event_type = 'com.nedlia.placement.created.v2'")
                         .Single();
  const json event_data = json::parse(event[0].As<std::string>());
  EXPECT_EQ(event_data["placement_id"], created.Id());
  EXPECT_EQ(event_data["time_range"], json({{"start_ms", 12500}, {"end_ms", 20000}}));
  EXPECT_FALSE(event_data["created_by"].get<std::string>().empty());
  const json metadata = json::parse(event[1].As<std::string>());
  EXPECT_EQ(metadata["specversion"], "1.0");
  EXPECT_EQ(metadata["source"], "/placements");
}

TEST_F(PlacementsApiTest, TraceparentOfTheRequestIsCarriedIntoTheEvent) {
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  const auto created = api_.Call("POST", "/v1/placements", Placement(0, 5), {}, std::nullopt);
  ASSERT_EQ(created.status, 201);
  const auto traced = api_.Call("POST", "/v1/placements", Placement(5, 10),
                                {"traceparent: 00-" + trace + "-00f067aa0ba902b7-01"});
  ASSERT_EQ(traced.status, 201) << traced.raw;
  const auto metadata =
      json::parse(api_.Sql()
                      .Execute("SELECT metadata::text FROM event_log WHERE aggregate_id = $1 "
                               "AND event_type = 'com.nedlia.placement.created.v2'",
                               pg::Params(traced.Id()))
                      .Single()[0]
                      .As<std::string>());
  EXPECT_EQ(metadata["traceparent"].get<std::string>().substr(3, 32), trace);
}

TEST_F(PlacementsApiTest, GetAndListShowLivePlacementsOnly) {
  const auto first = api_.Call("POST", "/v1/placements", Placement(0, 5));
  const auto second = api_.Call("POST", "/v1/placements", Placement(5, 10));
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(api_.Call("GET", "/v1/placements/" + first.Id()).status, 200);
  const auto deleted = api_.Delete("/v1/placements/" + first.Id(), 1);
  EXPECT_EQ(deleted.status, 204) << deleted.raw;
  EXPECT_EQ(api_.Call("GET", "/v1/placements/" + first.Id()).status, 404);
  const auto list = api_.Call("GET", "/v1/placements?video_id=" + video_);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["data"].size(), 1U);
  EXPECT_EQ(list.body["data"][0]["id"], second.Id());
  EXPECT_EQ(api_.EventCount("com.nedlia.placement.deleted.v1"), 1);
}

TEST_F(PlacementsApiTest, CursorPagesVisitEveryPlacementOnceWhileRowsAreInserted) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(api_.Call("POST", "/v1/placements", Placement(i * 10, i * 10 + 5)).status, 201);
  }
  std::set<std::string> seen;
  std::string path = "/v1/placements?limit=2";
  for (int page = 0; page < 10; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    for (const auto& item : reply.body["data"]) {
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second);
    }
    // A row inserted mid-way lands after the cursor (ids are time-ordered) and is seen too.
    if (page == 0)
      api_.Call("POST", "/v1/placements", Placement(55, 58));
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/placements?limit=2&cursor=" + reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 6U);
}

TEST_F(PlacementsApiTest, PatchNeedsTheCurrentVersion) {
  const auto created = api_.Call("POST", "/v1/placements", Placement(0, 5));
  const std::string path = "/v1/placements/" + created.Id();
  const json change = {{"description", "on the table"}};
  EXPECT_EQ(api_.Call("PATCH", path, change).status, 428);
  EXPECT_EQ(api_.Patch(path, change, 2).status, 412);
  const auto patched = api_.Patch(path, change, 1);
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.Header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["data"]["description"], "on the table");
  const auto event = json::parse(api_.Sql()
                                     .Execute("SELECT data::text FROM event_log WHERE event_type = "
                                              "'com.nedlia.placement.updated.v1'")
                                     .Single()[0]
                                     .As<std::string>());
  EXPECT_EQ(event["changes"], json({{"description", "on the table"}}));
  EXPECT_EQ(event["previous_version"], 1);
  EXPECT_EQ(event["new_version"], 2);
}

TEST_F(PlacementsApiTest, PatchRefusesEachReadOnlyFieldOnce) {
  const auto created = api_.Call("POST", "/v1/placements", Placement(0, 5));
  const auto reply = api_.Call("PATCH", "/v1/placements/" + created.Id(),
                               json{{"video_id", video_}, {"version", 1}, {"status", "draft"}},
                               {"If-Match: \"1\""});
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.ErrorPointers(), "/version /video_id") << reply.raw;
}

TEST_F(PlacementsApiTest, ConcurrentPatchesWithOneIfMatchLetExactlyOneThrough) {
  const auto created = api_.Call("POST", "/v1/placements", Placement(0, 5));
  const std::string path = "/v1/placements/" + created.Id();
  std::atomic<int> ok = 0, stale = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      const auto reply = api_.Call(
          "PATCH", path, json{{"description", "take " + std::to_string(i)}}, {"If-Match: \"1\""});
      (reply.status == 200 ? ok : reply.status == 412 ? stale : other)++;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(stale, 49);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(api_.EventCount("com.nedlia.placement.updated.v1"), 1);
}

TEST_F(PlacementsApiTest, ConcurrentOverlappingCreatesLetExactlyOneThrough) {
  std::atomic<int> created = 0, conflicts = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      const auto reply = api_.Call("POST", "/v1/placements", Placement(i * 0.1, 30 + i * 0.1));
      (reply.status == 201 ? created : reply.status == 409 ? conflicts : other)++;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, 19);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(api_.EventCount("com.nedlia.placement.created.v2"), 1);
}

TEST_F(PlacementsApiTest, OverlapIsAConflictAtTheTimeRange) {
  ASSERT_EQ(api_.Call("POST", "/v1/placements", Placement(0, 10)).status, 201);
  const auto clash = api_.Call("POST", "/v1/placements", Placement(9.999, 15));
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(clash.ErrorPointers(), "/time_range");
  EXPECT_EQ(api_.Call("POST", "/v1/placements", Placement(10, 15)).status, 201);
}

TEST_F(PlacementsApiTest, PlacementMustLieWithinItsVideo) {
  const auto reply = api_.Call("POST", "/v1/placements", Placement(50, 60.001));
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.ErrorPointers(), "/time_range/end_time");
}

TEST_F(PlacementsApiTest, SuspendedAdvertisersProductTakesNoPlacement) {
  api_.Sql().Execute("UPDATE advertisers SET status = 'suspended'");
  const auto reply = api_.Call("POST", "/v1/placements", Placement(0, 5));
  EXPECT_EQ(reply.status, 422);
  EXPECT_EQ(reply.ErrorPointers(), "/product_id");
}

TEST_F(PlacementsApiTest, BadInputNamesEveryFieldAndWritesNothing) {
  struct Case {
    std::string body;
    std::string pointers;
  };
  const std::string ids = "\"video_id\":\"" + video_ + "\",\"product_id\":\"" + product_ + "\",";
  const std::vector<Case> cases = {
      {"{", ""},
      {"[]", ""},
      {"{}", "/video_id /product_id /time_range"},
      {"{\"video_id\":\"nope\",\"product_id\":7,\"time_range\":{\"start_time\":1,\"end_time\":2}}",
       "/video_id /product_id"},
      {"{" + ids + "\"time_range\":{\"start_time\":-1,\"end_time\":2}}", "/time_range/start_time"},
      {"{" + ids + "\"time_range\":{\"start_time\":5,\"end_time\":5}}", "/time_range/end_time"},
      {"{" + ids + "\"time_range\":{\"start_time\":1.0001,\"end_time\":2}}",
       "/time_range/start_time"},
      // Beyond double's range: not JSON we can read, so the whole body is at fault.
      {"{" + ids + "\"time_range\":{\"start_time\":1,\"end_time\":1e400}}", ""},
      {"{" + ids + "\"time_range\":{\"start_time\":\"1\",\"end_time\":2}}",
       "/time_range/start_time"},
      {"{" + ids + "\"time_range\":{\"start_time\":1,\"end_time\":2,\"fps\":3}}",
       "/time_range/fps"},
      {"{" + ids + "\"time_range\":{\"start_time\":1,\"end_time\":2},\"colour\":\"red\"}",
       "/colour"},
      {"{" + ids + "\"time_range\":{\"start_time\":1,\"end_time\":2},\"status\":\"live\"}",
       "/status"},
      {"{" + ids +
           "\"time_range\":{\"start_time\":1,\"end_time\":2},\"position\":{\"x\":2,"
           "\"y\":0,\"width\":0.5,\"height\":0.5}}",
       "/position/x"},
      {"{" + ids + "\"time_range\":{\"start_time\":1,\"end_time\":2},\"file_url\":\"nope\"}",
       "/file_url"},
  };
  for (const auto& test : cases) {
    const auto reply = api_.CallRaw("POST", "/v1/placements", test.body);
    EXPECT_TRUE(reply.status == 400 || reply.status == 422) << test.body << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << test.body;
    if (!test.pointers.empty()) {
      EXPECT_EQ(reply.ErrorPointers(), test.pointers) << test.body;
    }
  }
  EXPECT_EQ(api_.Sql().Execute("SELECT count(*) FROM placements").Single()[0].As<std::int64_t>(),
            0);
  EXPECT_EQ(api_.Sql().Execute("SELECT count(*) FROM event_log").Single()[0].As<std::int64_t>(), 0);
}

TEST_F(PlacementsApiTest, IdempotencyKeyReplaysTheFirstAnswer) {
  const std::vector<std::string> key = {"Idempotency-Key: 7f9c2ba4-e88f-4a7b-9c1d-3f2b4e5a6b7c"};
  const auto first = api_.Call("POST", "/v1/placements", Placement(0, 5), key);
  ASSERT_EQ(first.status, 201);
  const auto replay = api_.Call("POST", "/v1/placements", Placement(0, 5), key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  // A client whose first answer was lost needs the version to change what it created.
  ASSERT_TRUE(first.Header("ETag").has_value());
  EXPECT_EQ(replay.Header("ETag"), first.Header("ETag"));
  EXPECT_EQ(replay.Header("Location"), first.Header("Location"));
  const auto other = api_.Call("POST", "/v1/placements", Placement(20, 25), key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(api_.EventCount("com.nedlia.placement.created.v2"), 1);
}

TEST_F(PlacementsApiTest, RequestsWithoutAValidKeyAreUnauthenticated) {
  EXPECT_EQ(api_.Call("GET", "/v1/placements", std::nullopt, {}, "").status, 401);
  EXPECT_EQ(api_.Call("GET", "/v1/placements", std::nullopt, {}, "nedlia_bogus").status, 401);
}

TEST_F(PlacementsApiTest, AdvertiserKeySeesOnlyItsOwnPlacements) {
  const auto mine = api_.Call("POST", "/v1/placements", Placement(0, 5));
  const std::string other_advertiser = api_.QueryText(
      "INSERT INTO advertisers (name, contact_email) VALUES ('Other', 'o@other.example') "
      "RETURNING id");
  const std::string other_key = api_.AdvertiserKey(other_advertiser);
  EXPECT_EQ(api_.Call("GET", "/v1/placements/" + mine.Id(), std::nullopt, {}, other_key).status,
            404);
  EXPECT_EQ(api_.Call("GET", "/v1/placements", std::nullopt, {}, other_key).body["data"].size(),
            0U);
  EXPECT_EQ(api_.Call("PATCH", "/v1/placements/" + mine.Id(), json{{"description", "x"}},
                      {"If-Match: \"1\""}, other_key)
                .status,
            404);
  EXPECT_EQ(api_.Call("POST", "/v1/placements", Placement(20, 25), {}, other_key).status, 422);
  const std::string own_key = api_.AdvertiserKey(advertiser_);
  EXPECT_EQ(api_.Call("GET", "/v1/placements/" + mine.Id(), std::nullopt, {}, own_key).status, 200);
}

}  // namespace
}  // namespace nedlia::testing
