// /v1/videos end to end: the catalog is read by every key and written by admin keys only.
#include <gtest/gtest.h>

#include <set>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class VideosApiTest : public ::testing::Test {
 protected:
  /// Registers a video through the API; returns its id.
  std::string Register(json body = {{"title", "Trailer"}, {"duration", 60}}) {
    const auto reply = api_.Call("POST", "/v1/videos", body);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  /// A placement of a fresh product in `video`, written by SQL.
  std::string PlaceBySql(const std::string& video, const std::string& start, const std::string& end,
                         const std::string& status = "active") {
    if (product_.empty()) {
      const std::string advertiser = api_.NewAdvertiser("acme");
      product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" +
                                advertiser + "', 'Cola') RETURNING id");
    }
    return api_.QueryText(
        "INSERT INTO placements (video_id, product_id, start_time, end_time, status) "
        "VALUES ('" +
        video + "', '" + product_ + "', " + start + ", " + end + ", '" + status +
        "') RETURNING id");
  }

  ApiReply Patch(const std::string& id, const json& body, const std::string& version) {
    return api_.Call("PATCH", "/v1/videos/" + id, body, {"If-Match: \"" + version + "\""});
  }

  ApiFixture api_;
  std::string product_;
};

TEST_F(VideosApiTest, RegisterReturnsTheVideoWithItsETagAndEmitsRegistered) {
  const auto created = api_.Call("POST", "/v1/videos",
                                 json{{"title", "Summer trailer"},
                                      {"duration", 125.5},
                                      {"source_url", "s3://media/trailer.mp4"},
                                      {"metadata", {{"genre", "drama"}, {"fps", 24}}}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& data = created.body["data"];
  EXPECT_EQ(data["title"], "Summer trailer");
  EXPECT_EQ(data["duration"], 125.5);
  EXPECT_EQ(data["source_url"], "s3://media/trailer.mp4");
  EXPECT_EQ(data["status"], "processing");
  EXPECT_EQ(data["metadata"], json({{"genre", "drama"}, {"fps", 24}}));
  EXPECT_EQ(data["version"], 1);
  EXPECT_EQ(data["created_by"], api_.AdminKeyId());
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  EXPECT_EQ(created.Header("Location"), "/v1/videos/" + created.Id());
  EXPECT_EQ(api_.QueryText("SELECT duration::text FROM videos"), "125.500");

  EXPECT_EQ(api_.EventData("com.nedlia.video.registered.v1"),
            json({{"video_id", created.Id()},
                  {"title", "Summer trailer"},
                  {"duration", 125.5},
                  {"source_url", "s3://media/trailer.mp4"},
                  {"created_by", api_.AdminKeyId()}}));
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);
  const auto fetched = api_.Call("GET", created.Header("Location").value_or(""));
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body["data"], data);
  EXPECT_EQ(fetched.Header("ETag"), "\"1\"");
}

TEST_F(VideosApiTest, RegisterMayStartReadyButNeverArchived) {
  const auto ready =
      api_.Call("POST", "/v1/videos", json{{"title", "A"}, {"duration", 1}, {"status", "ready"}});
  ASSERT_EQ(ready.status, 201) << ready.raw;
  EXPECT_EQ(ready.body["data"]["status"], "ready");
  EXPECT_EQ(ready.body["data"]["metadata"], json::object());
  EXPECT_EQ(ready.body["data"]["source_url"], nullptr);
  const auto archived = api_.Call("POST", "/v1/videos",
                                  json{{"title", "B"}, {"duration", 1}, {"status", "archived"}});
  EXPECT_EQ(archived.status, 422);
  EXPECT_EQ(archived.ErrorPointers(), "/status");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos"), 1);
}

TEST_F(VideosApiTest, BadInputNamesEveryFieldAndWritesNothing) {
  struct Case {
    std::string body;
    std::string pointers;
  };
  const std::string ok = "\"title\":\"T\",\"duration\":10";
  std::string deep = "{}";
  for (int i = 0; i < 40; ++i)
    deep = "{\"a\":" + deep + "}";
  const std::vector<Case> cases = {
      {"{", ""},
      {"[]", ""},
      {"{}", "/title /duration"},
      {"{\"title\":\"\",\"duration\":10}", "/title"},
      {"{\"title\":\"   \",\"duration\":10}", "/title"},
      {"{\"title\":\"" + std::string(256, 'x') + "\",\"duration\":10}", "/title"},
      {"{\"title\":\"a\\u0001b\",\"duration\":10}", "/title"},
      {"{\"title\":7,\"duration\":10}", "/title"},
      {"{\"title\":\"T\",\"duration\":0}", "/duration"},
      {"{\"title\":\"T\",\"duration\":-1}", "/duration"},
      {"{\"title\":\"T\",\"duration\":1.0001}", "/duration"},
      {"{\"title\":\"T\",\"duration\":\"10\"}", "/duration"},
      {"{\"title\":\"T\",\"duration\":10000000}", "/duration"},
      {"{\"title\":\"T\",\"duration\":1e400}", ""},
      {"{" + ok + ",\"source_url\":\"ftp://host/x\"}", "/source_url"},
      {"{" + ok + ",\"source_url\":\"https://\"}", "/source_url"},
      {"{" + ok + ",\"source_url\":\"https://" + std::string(2048, 'a') + "\"}", "/source_url"},
      {"{" + ok + ",\"source_url\":5}", "/source_url"},
      {"{" + ok + ",\"status\":\"live\"}", "/status"},
      {"{" + ok + ",\"status\":\"archived\"}", "/status"},
      {"{" + ok + ",\"metadata\":[]}", "/metadata"},
      {"{" + ok + ",\"metadata\":\"x\"}", "/metadata"},
      {"{" + ok + ",\"metadata\":{\"a\":\"\\u0000\"}}", "/metadata"},
      {"{" + ok + ",\"metadata\":{\"\\u0000\":1}}", "/metadata"},
      {"{" + ok + ",\"metadata\":" + deep + "}", "/metadata"},
      {"{" + ok + ",\"colour\":\"red\"}", "/colour"},
      {"{" + ok + ",\"id\":\"0190f6d2-7a3e-7c4b-8d5e-0123456789ab\"}", "/id"},
  };
  for (const auto& test : cases) {
    const auto reply = api_.CallRaw("POST", "/v1/videos", test.body);
    EXPECT_TRUE(reply.status == 400 || reply.status == 422)
        << test.body.substr(0, 200) << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
    if (!test.pointers.empty()) {
      EXPECT_EQ(reply.ErrorPointers(), test.pointers) << test.body.substr(0, 200);
    }
  }
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos"), 0);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 0);
  // The limits themselves are fine.
  EXPECT_EQ(api_.Call("POST", "/v1/videos",
                      json{{"title", std::string(255, 'x')},
                           {"duration", 9999999.999},
                           {"metadata", {{"note", "caf\u00e9"}}}})
                .status,
            201);
}

TEST_F(VideosApiTest, AdvertiserKeysReadTheCatalogButCannotWriteIt) {
  const std::string id = Register();
  const std::string key = api_.AdvertiserKey(api_.NewAdvertiser("acme"));
  EXPECT_EQ(api_.Call("GET", "/v1/videos/" + id, std::nullopt, {}, key).status, 200);
  EXPECT_EQ(api_.Call("GET", "/v1/videos", std::nullopt, {}, key).body["data"].size(), 1U);

  const auto post = api_.Call("POST", "/v1/videos", json{{"title", "Mine"}, {"duration", 5}},
                              {"Idempotency-Key: k1"}, key);
  EXPECT_EQ(post.status, 403) << post.raw;
  EXPECT_EQ(post.Header("Content-Type"), "application/problem+json");
  // The role is checked first: a bad body or a missing If-Match changes nothing about it.
  EXPECT_EQ(api_.CallRaw("POST", "/v1/videos", "{", {}, key).status, 403);
  EXPECT_EQ(api_.Call("PATCH", "/v1/videos/" + id, json{{"title", "x"}}, {}, key).status, 403);
  EXPECT_EQ(
      api_.Call("PATCH", "/v1/videos/" + id, json{{"title", "x"}}, {"If-Match: \"1\""}, key).status,
      403);
  EXPECT_EQ(api_.Delete("/v1/videos/" + id, 1, key).status, 403);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos WHERE version = 1 AND deleted_at IS NULL"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM idempotency_keys"), 0);
}

TEST_F(VideosApiTest, ListFiltersByStatusAndPagesWithCursors) {
  std::set<std::string> all;
  for (int i = 0; i < 5; ++i) {
    all.insert(Register({{"title", "V" + std::to_string(i)},
                         {"duration", 10},
                         {"status", i % 2 == 0 ? "ready" : "processing"}}));
  }
  const auto ready = api_.Call("GET", "/v1/videos?status=ready");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body["data"].size(), 3U);
  for (const auto& video : ready.body["data"])
    EXPECT_EQ(video["status"], "ready");

  std::set<std::string> seen;
  std::string path = "/v1/videos?limit=2";
  for (int page = 0; page < 10; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    EXPECT_LE(reply.body["data"].size(), 2U);
    for (const auto& item : reply.body["data"])
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second);
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/videos?limit=2&cursor=" + reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, all);

  const auto bad = api_.Call("GET", "/v1/videos?status=gone");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.ErrorPointers(), "/query/status");
  EXPECT_EQ(api_.Call("GET", "/v1/videos?cursor=nope").ErrorPointers(), "/query/cursor");
}

TEST_F(VideosApiTest, UnknownAndMalformedIdsAreNotFound) {
  EXPECT_EQ(api_.Call("GET", "/v1/videos/0190f6d2-7a3e-7c4b-8d5e-0123456789ab").status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/videos/not-a-uuid").status, 404);
  EXPECT_EQ(Patch("0190f6d2-7a3e-7c4b-8d5e-0123456789ab", {{"title", "x"}}, "1").status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/videos", std::nullopt, {}, "nedlia_bogus").status, 401);
}

TEST_F(VideosApiTest, PatchNeedsTheCurrentVersionAndEmitsUpdated) {
  const std::string id = Register();
  const std::string path = "/v1/videos/" + id;
  const json change = {{"title", "Director's cut"}, {"duration", 75.25}};
  EXPECT_EQ(api_.Call("PATCH", path, change).status, 428);
  EXPECT_EQ(Patch(id, change, "2").status, 412);
  EXPECT_EQ(api_.Call("PATCH", path, change, {"If-Match: W/\"1\""}).status, 412);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log WHERE event_type <> "
                       "'com.nedlia.video.registered.v1'"),
            0);
  const auto patched = Patch(id, change, "1");
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.Header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["data"]["title"], "Director's cut");
  EXPECT_EQ(patched.body["data"]["duration"], 75.25);
  EXPECT_EQ(api_.EventData("com.nedlia.video.updated.v1"),
            json({{"video_id", id},
                  {"changes", {{"title", "Director's cut"}, {"duration", 75.25}}},
                  {"previous_version", 1},
                  {"new_version", 2}}));
  EXPECT_EQ(Patch(id, change, "1").status, 412);
}

TEST_F(VideosApiTest, PatchWithoutARealChangeKeepsTheVersionAndEmitsNothing) {
  const std::string id = Register({{"title", "T"}, {"duration", 10}, {"metadata", {{"a", 1}}}});
  // The same document spelled differently is no change either.
  const auto same =
      Patch(id, {{"title", "T"}, {"duration", 10.0}, {"metadata", {{"a", 1.0}}}}, "1");
  ASSERT_EQ(same.status, 200) << same.raw;
  EXPECT_EQ(same.Header("ETag"), "\"1\"");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);
  EXPECT_EQ(Patch(id, json::object(), "1").status, 200);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);
}

TEST_F(VideosApiTest, PatchSetsAndClearsTheSourceUrlAndReplacesMetadata) {
  const std::string id = Register({{"title", "T"}, {"duration", 10}, {"metadata", {{"a", 1}}}});
  const auto set =
      Patch(id, {{"source_url", "https://cdn.example/t.mp4"}, {"metadata", {{"b", 2}}}}, "1");
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["data"]["metadata"], json({{"b", 2}}));
  const auto cleared = Patch(id, {{"source_url", nullptr}}, "2");
  ASSERT_EQ(cleared.status, 200) << cleared.raw;
  EXPECT_EQ(cleared.body["data"]["source_url"], nullptr);
  const auto last =
      json::parse(api_.QueryText("SELECT data::text FROM event_log WHERE event_type = "
                                 "'com.nedlia.video.updated.v1' ORDER BY id DESC LIMIT 1"));
  EXPECT_EQ(last["changes"], json({{"source_url", nullptr}}));
  EXPECT_EQ(api_.EventCount("com.nedlia.video.updated.v1"), 2);
}

TEST_F(VideosApiTest, PatchBadInputNamesTheFieldAndWritesNothing) {
  const std::string id = Register();
  struct Case {
    std::string body;
    std::string pointers;
  };
  const std::vector<Case> cases = {
      {"{", ""},
      {"{\"title\":null}", "/title"},
      {"{\"title\":\"\"}", "/title"},
      {"{\"duration\":null}", "/duration"},
      {"{\"duration\":-5}", "/duration"},
      {"{\"duration\":0.0005}", "/duration"},
      {"{\"source_url\":\"nope\"}", "/source_url"},
      {"{\"metadata\":null}", "/metadata"},
      {"{\"metadata\":[1]}", "/metadata"},
      {"{\"status\":null}", "/status"},
      {"{\"status\":\"gone\"}", "/status"},
      {"{\"id\":\"0190f6d2-7a3e-7c4b-8d5e-0123456789ab\",\"version\":3}", "/id /version"},
      {"{\"colour\":1}", "/colour"},
  };
  for (const auto& test : cases) {
    const auto reply = api_.CallRaw("PATCH", "/v1/videos/" + id, test.body, {"If-Match: \"1\""});
    EXPECT_TRUE(reply.status == 400 || reply.status == 422) << test.body << " -> " << reply.raw;
    if (!test.pointers.empty()) {
      EXPECT_EQ(reply.ErrorPointers(), test.pointers) << test.body;
    }
  }
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos WHERE version = 1"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);
}

TEST_F(VideosApiTest, StatusMovesFromProcessingToReadyToArchivedOnly) {
  const std::string id = Register();
  const auto skip = Patch(id, {{"status", "archived"}}, "1");
  EXPECT_EQ(skip.status, 422);
  EXPECT_EQ(skip.ErrorPointers(), "/status");

  const auto ready = Patch(id, {{"status", "ready"}}, "1");
  ASSERT_EQ(ready.status, 200) << ready.raw;
  EXPECT_EQ(ready.body["data"]["status"], "ready");
  EXPECT_EQ(api_.EventData("com.nedlia.video.ready.v1"),
            json({{"video_id", id}, {"duration", 60.0}, {"marked_ready_by", api_.AdminKeyId()}}));
  EXPECT_EQ(api_.EventCount("com.nedlia.video.updated.v1"), 0);

  const auto back = Patch(id, {{"status", "processing"}}, "2");
  EXPECT_EQ(back.status, 422);
  EXPECT_EQ(back.ErrorPointers(), "/status");

  const auto archived = Patch(id, {{"status", "archived"}}, "2");
  ASSERT_EQ(archived.status, 200) << archived.raw;
  EXPECT_EQ(api_.EventData("com.nedlia.video.archived.v1"),
            json({{"video_id", id}, {"archived_by", api_.AdminKeyId()}}));
  EXPECT_EQ(Patch(id, {{"status", "ready"}}, "3").status, 422);
  EXPECT_EQ(Patch(id, {{"status", "archived"}}, "3").status, 200);  // staying put is no move
  EXPECT_EQ(api_.EventCount("com.nedlia.video.ready.v1"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.archived.v1"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.updated.v1"), 0);
}

TEST_F(VideosApiTest, FieldsAndAStatusMoveInOnePatchEmitOneEventEach) {
  const std::string id = Register();
  const auto reply = Patch(id, {{"title", "Final"}, {"status", "ready"}}, "1");
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.Header("ETag"), "\"2\"");
  EXPECT_EQ(api_.EventData("com.nedlia.video.updated.v1"), json({{"video_id", id},
                                                                 {"changes", {{"title", "Final"}}},
                                                                 {"previous_version", 1},
                                                                 {"new_version", 2}}));
  EXPECT_EQ(api_.EventCount("com.nedlia.video.ready.v1"), 1);
}

TEST_F(VideosApiTest, ShorteningBelowAPlacementIsAConflictAtDuration) {
  const std::string id = Register();
  PlaceBySql(id, "10", "50");
  PlaceBySql(id, "45", "55.5", "draft");
  const std::string gone = PlaceBySql(id, "0", "59", "archived");
  api_.Sql().Execute("UPDATE placements SET deleted_at = now() WHERE id = $1", pg::Params(gone));

  const auto refused = Patch(id, {{"duration", 40}}, "1");
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_EQ(refused.ErrorPointers(), "/duration");
  EXPECT_NE(refused.body["errors"][0]["detail"].get<std::string>().find("2 placements"),
            std::string::npos)
      << refused.raw;
  const auto one = Patch(id, {{"duration", 52}}, "1");
  EXPECT_EQ(one.status, 409);
  EXPECT_NE(one.body["errors"][0]["detail"].get<std::string>().find("1 placement "),
            std::string::npos)
      << one.raw;
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos WHERE version = 1 AND duration = 60"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);

  // Down to the end of the last live placement is fine; so is growing.
  const auto fits = Patch(id, {{"duration", 55.5}}, "1");
  EXPECT_EQ(fits.status, 200) << fits.raw;
  EXPECT_EQ(Patch(id, {{"duration", 600}}, "2").status, 200);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.updated.v1"), 2);
}

TEST_F(VideosApiTest, DeleteNeedsTheVersionAndNoActivePlacements) {
  const std::string id = Register();
  const std::string path = "/v1/videos/" + id;
  const std::string placement = PlaceBySql(id, "0", "10");
  EXPECT_EQ(api_.Call("DELETE", path).status, 428);
  EXPECT_EQ(api_.Delete(path, 9).status, 412);
  const auto busy = api_.Delete(path, 1);
  EXPECT_EQ(busy.status, 409) << busy.raw;
  EXPECT_EQ(api_.EventCount("com.nedlia.video.deleted.v1"), 0);

  api_.Sql().Execute("UPDATE placements SET status = 'archived' WHERE id = $1",
                     pg::Params(placement));
  const auto deleted = api_.Delete(path, 1);
  EXPECT_EQ(deleted.status, 204) << deleted.raw;
  EXPECT_EQ(api_.EventData("com.nedlia.video.deleted.v1"),
            json({{"video_id", id}, {"deleted_by", api_.AdminKeyId()}}));
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos WHERE deleted_at IS NOT NULL"), 1);

  EXPECT_EQ(api_.Call("GET", path).status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/videos").body["data"].size(), 0U);
  EXPECT_EQ(Patch(id, {{"title", "x"}}, "1").status, 404);
  EXPECT_EQ(api_.Delete(path, 1).status, 404);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.deleted.v1"), 1);
}

TEST_F(VideosApiTest, IdempotencyKeyReplaysTheRegistration) {
  const std::vector<std::string> key = {"Idempotency-Key: 6d1f0a52-9c3b-4f5e-8a7d-2b4c6e8f0a1b"};
  const json body = {{"title", "Once"}, {"duration", 30}};
  const auto first = api_.Call("POST", "/v1/videos", body, key);
  ASSERT_EQ(first.status, 201);
  const auto replay = api_.Call("POST", "/v1/videos", body, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Location"), first.Header("Location"));
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(api_.Call("POST", "/v1/videos", json{{"title", "Twice"}, {"duration", 30}}, key).status,
            422);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM videos"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.registered.v1"), 1);
}

}  // namespace
}  // namespace nedlia::testing
