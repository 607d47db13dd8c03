// Validation runs end to end: requesting one for a video (202, pending), reading them with
// advertiser tenancy, and deleting them (admin keys only).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class ValidationRunsApiTest : public ::testing::Test {
 protected:
  void SetUp() override { video_ = NewVideo("ready"); }

  std::string NewVideo(const std::string& status) {
    return api_.QueryText("INSERT INTO videos (title, duration, status) VALUES ('Trailer', 60, '" +
                          status + "') RETURNING id");
  }

  /// The id of the newest key: the one AdvertiserKey just made, or the admin key.
  std::string NewestKeyId() {
    return api_.QueryText(
        "SELECT id::text FROM api_keys ORDER BY created_at DESC, id DESC LIMIT 1");
  }

  ApiReply Request(const std::string& video, const std::optional<std::string>& key = std::nullopt,
                   const std::vector<std::string>& headers = {}) {
    return api_.CallRaw("POST", "/v1/videos/" + video + "/validations", "", headers, key);
  }

  /// Requests a validation of `video_` with `key`; returns the run's id.
  std::string Requested(const std::optional<std::string>& key = std::nullopt) {
    const auto reply = Request(video_, key);
    EXPECT_EQ(reply.status, 202) << reply.raw;
    return reply.Id();
  }

  std::set<std::string> ListedIds(const std::string& path,
                                  const std::optional<std::string>& key = std::nullopt) {
    const auto reply = api_.Call("GET", path, std::nullopt, {}, key);
    EXPECT_EQ(reply.status, 200) << reply.raw;
    std::set<std::string> ids;
    for (const auto& run : reply.body["data"])
      ids.insert(run["id"].get<std::string>());
    return ids;
  }

  ApiFixture api_;
  std::string video_;
};

TEST_F(ValidationRunsApiTest, RequestAnswers202WithAPendingRunAndEmitsItsEvent) {
  const std::string admin = NewestKeyId();
  const auto reply = Request(video_);
  ASSERT_EQ(reply.status, 202) << reply.raw;
  const json& data = reply.body["data"];
  EXPECT_EQ(data["video_id"], video_);
  EXPECT_EQ(data["status"], "pending");
  EXPECT_EQ(data["requested_by"], admin);
  EXPECT_EQ(data["started_at"], nullptr);
  EXPECT_EQ(data["completed_at"], nullptr);
  EXPECT_EQ(data["issues"], json::array());
  EXPECT_EQ(data["summary"], nullptr);
  EXPECT_TRUE(data["created_at"].is_string());
  EXPECT_FALSE(reply.Header("ETag"));
  EXPECT_EQ(reply.Header("Location"), "/v1/validation-runs/" + reply.Id());

  const auto event = api_.Sql()
                         .Execute(
                             "SELECT data::text, aggregate_type, aggregate_id::text FROM "
                             "event_log WHERE event_type = "
                             "'com.nedlia.video.validation_requested.v1'")
                         .Single();
  EXPECT_EQ(
      json::parse(event[0].As<std::string>()),
      json({{"video_id", video_}, {"validation_run_id", reply.Id()}, {"requested_by", admin}}));
  EXPECT_EQ(event[1].As<std::string>(), "video");
  EXPECT_EQ(event[2].As<std::string>(), video_);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);

  const auto fetched = api_.Call("GET", reply.Header("Location").value_or(""));
  ASSERT_EQ(fetched.status, 200) << fetched.raw;
  EXPECT_EQ(fetched.body["data"], data);
}

TEST_F(ValidationRunsApiTest, BodyIsNothingOrAnEmptyObject) {
  const std::string path = "/v1/videos/" + video_ + "/validations";
  EXPECT_EQ(api_.CallRaw("POST", path, "{}").status, 202);
  EXPECT_EQ(api_.CallRaw("POST", path, " \n").status, 202);
  struct Case {
    std::string body;
    std::string pointers;
  };
  for (const Case& test : std::vector<Case>{{"{\"priority\":1}", "/priority"},
                                            {"{\"video_id\":null}", "/video_id"},
                                            {"[]", ""},
                                            {"{", ""},
                                            {"null", ""}}) {
    const auto reply = api_.CallRaw("POST", path, test.body);
    EXPECT_TRUE(reply.status == 400 || reply.status == 422) << test.body << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
    EXPECT_EQ(reply.ErrorPointers(), test.pointers.empty() ? "" : test.pointers) << test.body;
  }
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs"), 2);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.validation_requested.v1"), 2);
}

TEST_F(ValidationRunsApiTest, TheVideoMustBeLiveAndNotArchived) {
  EXPECT_EQ(Request("0190f6d2-7a3e-7c4b-8d5e-0123456789ab").status, 404);
  EXPECT_EQ(Request("not-a-uuid").status, 404);
  const std::string deleted = NewVideo("ready");
  api_.Sql().Execute("UPDATE videos SET deleted_at = now() WHERE id = $1", pg::Params(deleted));
  EXPECT_EQ(Request(deleted).status, 404);
  const auto archived = Request(NewVideo("archived"));
  EXPECT_EQ(archived.status, 409) << archived.raw;
  // A video still being processed may be validated.
  EXPECT_EQ(Request(NewVideo("processing")).status, 202);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);
}

TEST_F(ValidationRunsApiTest, IdempotencyKeyReplaysTheRequest) {
  const std::vector<std::string> key = {"Idempotency-Key: 1b7e3c9a-5d2f-4a6b-8c0e-9f1a2b3c4d5e"};
  const auto first = Request(video_, std::nullopt, key);
  ASSERT_EQ(first.status, 202) << first.raw;
  const auto replay = Request(video_, std::nullopt, key);
  EXPECT_EQ(replay.status, 202);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Location"), first.Header("Location"));
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  // The same key for another video is another request.
  EXPECT_EQ(Request(NewVideo("ready"), std::nullopt, key).status, 422);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.validation_requested.v1"), 1);
}

TEST_F(ValidationRunsApiTest, ListFiltersByVideoAndStatusWithCursorPages) {
  const std::string other = NewVideo("processing");
  const std::string a = Requested();
  const std::string b = Requested();
  const auto c_reply = Request(other);
  ASSERT_EQ(c_reply.status, 202);
  const std::string c = c_reply.Id();
  api_.Sql().Execute(
      "UPDATE validation_runs SET status = 'running', started_at = now() WHERE id "
      "= $1",
      pg::Params(b));

  EXPECT_EQ(ListedIds("/v1/validation-runs"), (std::set<std::string>{a, b, c}));
  EXPECT_EQ(ListedIds("/v1/validation-runs?video_id=" + video_), (std::set<std::string>{a, b}));
  EXPECT_EQ(ListedIds("/v1/validation-runs?status=pending"), (std::set<std::string>{a, c}));
  EXPECT_EQ(ListedIds("/v1/validation-runs?video_id=" + video_ + "&status=running"),
            (std::set<std::string>{b}));
  EXPECT_EQ(ListedIds("/v1/validation-runs?status=failed"), (std::set<std::string>{}));

  std::set<std::string> seen;
  std::string path = "/v1/validation-runs?limit=1";
  for (int page = 0; page < 10; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    for (const auto& item : reply.body["data"])
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second);
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/validation-runs?limit=1&cursor=" +
           reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, (std::set<std::string>{a, b, c}));

  EXPECT_EQ(api_.Call("GET", "/v1/validation-runs?status=done").ErrorPointers(), "/query/status");
  EXPECT_EQ(api_.Call("GET", "/v1/validation-runs?video_id=x").ErrorPointers(), "/query/video_id");
  EXPECT_EQ(api_.Call("GET", "/v1/validation-runs?limit=0").ErrorPointers(), "/query/limit");
}

TEST_F(ValidationRunsApiTest, ResultsShowAsTimesAndDocuments) {
  const std::string id = Requested();
  // A report as the validator writes it (repositories/validation_report_json.cpp).
  const json issues = json::parse(R"([{"placement_id": "00000000-0000-4000-8000-000000000001",
      "issue_type": "product_overlap", "severity": "error", "message": "overlaps another",
      "time_range": {"start_time": 1.5, "end_time": 3}}])");
  const json summary = {
      {"total_placements", 2}, {"valid_placements", 1}, {"issues_count", 1}, {"is_valid", false}};
  api_.Sql().Execute(
      "UPDATE validation_runs SET status = 'completed', started_at = "
      "'2026-01-02T03:04:05.678Z', completed_at = '2026-01-02T03:04:06Z', issues = $2::jsonb, "
      "summary = $3::jsonb WHERE id = $1",
      pg::Params(id, issues.dump(), summary.dump()));
  const auto reply = api_.Call("GET", "/v1/validation-runs/" + id);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  const json& data = reply.body["data"];
  EXPECT_EQ(data["status"], "completed");
  EXPECT_EQ(data["started_at"], "2026-01-02T03:04:05.678Z");
  EXPECT_EQ(data["completed_at"], "2026-01-02T03:04:06.000Z");
  EXPECT_EQ(data["issues"], issues);
  EXPECT_EQ(data["summary"], summary);
}

TEST_F(ValidationRunsApiTest, AdvertiserKeysSeeOnlyTheRunsTheirAdvertisersKeysRequested) {
  const std::string acme = api_.NewAdvertiser("acme");
  const std::string acme_key = api_.AdvertiserKey(acme);
  const std::string acme_key_id = NewestKeyId();
  const std::string acme_other_key = api_.AdvertiserKey(acme);
  const std::string globex_key = api_.AdvertiserKey(api_.NewAdvertiser("globex"));

  const auto acme_reply = Request(video_, acme_key);
  ASSERT_EQ(acme_reply.status, 202) << acme_reply.raw;
  EXPECT_EQ(acme_reply.body["data"]["requested_by"], acme_key_id);
  const std::string acme_run = acme_reply.Id();
  const std::string globex_run = Requested(globex_key);
  const std::string admin_run = Requested();

  const auto visible = [&](const std::string& run, const std::string& key) {
    return api_.Call("GET", "/v1/validation-runs/" + run, std::nullopt, {}, key).status;
  };
  EXPECT_EQ(visible(acme_run, acme_key), 200);
  EXPECT_EQ(visible(acme_run, acme_other_key), 200);  // the advertiser's, not the key's
  EXPECT_EQ(visible(acme_run, globex_key), 404);
  EXPECT_EQ(visible(globex_run, acme_key), 404);
  EXPECT_EQ(visible(admin_run, acme_key), 404);
  EXPECT_EQ(visible(admin_run, globex_key), 404);
  EXPECT_EQ(visible(acme_run, api_.AdminKey()), 200);

  EXPECT_EQ(ListedIds("/v1/validation-runs", acme_other_key), (std::set<std::string>{acme_run}));
  EXPECT_EQ(ListedIds("/v1/validation-runs?video_id=" + video_, globex_key),
            (std::set<std::string>{globex_run}));
  EXPECT_EQ(ListedIds("/v1/validation-runs"),
            (std::set<std::string>{acme_run, globex_run, admin_run}));
  // Not theirs to delete either, and it stays.
  EXPECT_EQ(
      api_.Call("DELETE", "/v1/validation-runs/" + acme_run, std::nullopt, {}, acme_key).status,
      403);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs WHERE deleted_at IS NULL"), 3);
}

TEST_F(ValidationRunsApiTest, DeleteIsForAdminsAndSoftDeletesOnce) {
  const std::string run = Requested();
  const std::string path = "/v1/validation-runs/" + run;
  const auto deleted = api_.Call("DELETE", path);
  EXPECT_EQ(deleted.status, 204) << deleted.raw;
  const auto event = api_.Sql()
                         .Execute(
                             "SELECT data::text, aggregate_type, metadata->>'source' FROM "
                             "event_log WHERE event_type = "
                             "'com.nedlia.validation_run.deleted.v1'")
                         .Single();
  EXPECT_EQ(
      json::parse(event[0].As<std::string>()),
      json({{"validation_run_id", run}, {"video_id", video_}, {"deleted_by", api_.AdminKeyId()}}));
  EXPECT_EQ(event[1].As<std::string>(), "validation_run");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs WHERE deleted_at IS NOT NULL"), 1);

  EXPECT_EQ(api_.Call("GET", path).status, 404);
  EXPECT_EQ(ListedIds("/v1/validation-runs"), std::set<std::string>{});
  EXPECT_EQ(api_.Call("DELETE", path).status, 404);
  EXPECT_EQ(api_.Call("DELETE", "/v1/validation-runs/not-a-uuid").status, 404);
  EXPECT_EQ(api_.EventCount("com.nedlia.validation_run.deleted.v1"), 1);
}

TEST_F(ValidationRunsApiTest, ConcurrentDeletesOfOneRunLetExactlyOneThrough) {
  const std::string path = "/v1/validation-runs/" + Requested();
  std::atomic<int> deleted = 0, missing = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&] {
      const long status = api_.Call("DELETE", path).status;
      (status == 204 ? deleted : status == 404 ? missing : other)++;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(missing, 9);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(api_.EventCount("com.nedlia.validation_run.deleted.v1"), 1);
}

TEST_F(ValidationRunsApiTest, EveryEndpointNeedsAKey) {
  const std::string run = Requested();
  EXPECT_EQ(Request(video_, "").status, 401);
  EXPECT_EQ(api_.Call("GET", "/v1/validation-runs/" + run, std::nullopt, {}, "").status, 401);
  EXPECT_EQ(api_.Call("GET", "/v1/validation-runs", std::nullopt, {}, "nedlia_x").status, 401);
  EXPECT_EQ(api_.Call("DELETE", "/v1/validation-runs/" + run, std::nullopt, {}, "").status, 401);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs WHERE deleted_at IS NULL"), 1);
}

}  // namespace
}  // namespace nedlia::testing
