// The validator end to end: a run requested through the API is validated by the worker
// (pending → completed, issues, summary, completed event), fails with its reason when it
// cannot be validated, is never validated twice, and is read through /v1/validations.
#include <gtest/gtest.h>

#include "consumers/subscription_admin.hpp"
#include "pg/transaction.hpp"
#include "support/api_fixture.hpp"
#include "support/delivery_helpers.hpp"
#include "validator/validator.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class ValidatorTest : public ::testing::Test {
 protected:
  ValidatorTest() {
    video_ = api_.QueryText(
        "INSERT INTO videos (title, duration, status) VALUES ('Trailer', 60, 'ready') "
        "RETURNING id");
    acme_ = api_.NewAdvertiser("acme");
    good_ = NewProduct(acme_);
    const std::string campaign = api_.QueryText(
        "INSERT INTO campaigns (advertiser_id, name, budget, status, start_date, end_date) "
        "VALUES ($1, 'Summer', 1000, 'active', '2026-06-01', '2026-06-30') RETURNING id",
        pg::Params(acme_));
    api_.Sql().Execute("INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)",
                       pg::Params(campaign, good_));
  }

  std::string NewProduct(const std::string& advertiser) {
    return api_.QueryText(
        "INSERT INTO products (advertiser_id, name) VALUES ($1, 'Cola') RETURNING id",
        pg::Params(advertiser));
  }

  std::string Place(const std::string& product, double start, double end,
                    const std::string& status = "active") {
    return api_.QueryText(
        "INSERT INTO placements (video_id, product_id, start_time, end_time, status) "
        "VALUES ($1, $2, $3::numeric, $4::numeric, $5) RETURNING id",
        pg::Params(video_, product, std::to_string(start), std::to_string(end), status));
  }

  std::string RequestValidation(const std::optional<std::string>& key = std::nullopt) {
    const auto reply = api_.CallRaw("POST", "/v1/videos/" + video_ + "/validations", "", {}, key);
    EXPECT_EQ(reply.status, 202) << reply.raw;
    return reply.Id();
  }

  std::string Status(const std::string& run) {
    return api_.QueryText("SELECT status FROM validation_runs WHERE id = $1", pg::Params(run));
  }

  /// Runs the validator until the run has ended.
  void RunUntilEnded(consumers::Consumer& validator, const std::string& run) {
    RunUntil(validator, [&](int) {
      const std::string status = Status(run);
      return status == "completed" || status == "failed";
    });
  }

  json Get(const std::string& path, long expected = 200) {
    const auto reply = api_.Call("GET", path);
    EXPECT_EQ(reply.status, expected) << path << " -> " << reply.raw;
    return reply.body;
  }

  consumers::Consumer Validator(int max_attempts = 5) {
    consumers::Consumer consumer =
        validator::MakeValidator(pool_, {.limits = {.max_simultaneous = 3},
                                         .envelope = {},
                                         .today = [] { return *domain::Date::Parse("2026-06-15"); },
                                         .max_attempts = max_attempts});
    consumer.Subscribe();
    return consumer;
  }

  ApiFixture api_;
  pg::Pool pool_{{.url = api_.Database().Url(), .max_size = 2}};
  std::string video_;
  std::string acme_;
  std::string good_;
};

std::vector<std::string> Field(const json& issues, const char* name) {
  std::vector<std::string> values;
  for (const json& issue : issues)
    values.push_back(issue.at(name).get<std::string>());
  return values;
}

TEST_F(ValidatorTest, APendingRunCompletesWithItsIssuesSummaryAndEvent) {
  const std::string first = Place(good_, 0, 10);
  const std::string draft = Place(good_, 5, 15, "draft");  // overlaps `first`
  const std::string fine = Place(good_, 30, 40);
  const std::string past_end = Place(good_, 50, 61);
  const std::string suspended_advertiser = api_.NewAdvertiser("shady");
  api_.Sql().Execute("UPDATE advertisers SET status = 'suspended' WHERE id = $1",
                     pg::Params(suspended_advertiser));
  const std::string orphan = Place(NewProduct(suspended_advertiser), 20, 30);
  Place(good_, 40, 45, "archived");  // off the video: not validated

  const std::string run = RequestValidation();
  EXPECT_EQ(Get("/v1/validations/" + run)["data"]["status"], "pending");
  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, run);

  const json data = Get("/v1/validations/" + run)["data"];
  ASSERT_EQ(data["status"], "completed") << data.dump();
  EXPECT_EQ(data["video_id"], video_);
  EXPECT_TRUE(data["started_at"].is_string());
  EXPECT_TRUE(data["completed_at"].is_string());
  EXPECT_LE(data["started_at"].get<std::string>(), data["completed_at"].get<std::string>());
  // By the placement's start, then by issue type.
  EXPECT_EQ(Field(data["issues"], "placement_id"),
            (std::vector<std::string>{first, draft, draft, orphan, orphan, past_end}));
  EXPECT_EQ(Field(data["issues"], "issue_type"),
            (std::vector<std::string>{"product_overlap", "product_overlap", "draft_placement",
                                      "no_active_campaign", "advertiser_suspended",
                                      "outside_video_duration"}));
  EXPECT_EQ(Field(data["issues"], "severity"),
            (std::vector<std::string>{"error", "error", "warning", "error", "error", "error"}));
  EXPECT_EQ(data["issues"][0]["time_range"], json({{"start_time", 5.0}, {"end_time", 10.0}}));
  EXPECT_EQ(data["issues"][0]["message"],
            "overlaps placement " + draft + " of the same product from 5.000 s to 10.000 s");
  EXPECT_EQ(data["summary"], json({{"total_placements", 5},
                                   {"valid_placements", 1},
                                   {"issues_count", 6},
                                   {"is_valid", false}}));
  (void)fine;

  EXPECT_EQ(api_.EventData("com.nedlia.video.validation_completed.v1"),
            json({{"video_id", video_},
                  {"validation_run_id", run},
                  {"is_valid", false},
                  {"issues_count", 6},
                  {"total_placements", 5},
                  {"valid_placements", 1}}));
  EXPECT_EQ(api_.EventCount("com.nedlia.video.validation_failed.v1"), 0);
  // The same run through the older route reads the same.
  EXPECT_EQ(Get("/v1/validation-runs/" + run)["data"], data);
}

TEST_F(ValidatorTest, AVideoWithoutProblemsIsValid) {
  Place(good_, 0, 10);
  Place(good_, 10, 20);  // touching is no overlap
  const std::string run = RequestValidation();
  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, run);
  const json data = Get("/v1/validations/" + run)["data"];
  EXPECT_EQ(data["status"], "completed");
  EXPECT_EQ(data["issues"], json::array());
  EXPECT_EQ(data["summary"]["is_valid"], true);
  EXPECT_EQ(api_.EventData("com.nedlia.video.validation_completed.v1")["is_valid"], true);
}

TEST_F(ValidatorTest, ARunWhoseVideoWasDeletedFailsWithTheReason) {
  const std::string run = RequestValidation();
  api_.Sql().Execute("UPDATE videos SET deleted_at = now() WHERE id = $1", pg::Params(video_));
  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, run);
  const json data = Get("/v1/validations/" + run)["data"];
  EXPECT_EQ(data["status"], "failed");
  EXPECT_TRUE(data["completed_at"].is_string());
  EXPECT_EQ(data["summary"], json({{"error", "the video no longer exists"}}));
  EXPECT_EQ(api_.EventData("com.nedlia.video.validation_failed.v1"),
            json({{"video_id", video_},
                  {"validation_run_id", run},
                  {"error", "the video no longer exists"}}));
  EXPECT_EQ(api_.EventCount("com.nedlia.video.validation_completed.v1"), 0);
}

TEST_F(ValidatorTest, AnUnexpectedErrorFailsTheRunAfterTheLastAttempt) {
  Place(good_, 0, 10);
  const std::string run = RequestValidation();
  // The campaigns query cannot run while the table is missing.
  api_.Sql().Execute("ALTER TABLE campaign_products RENAME TO campaign_products_gone");
  consumers::Consumer validator = Validator(2);
  RunUntilEnded(validator, run);
  api_.Sql().Execute("ALTER TABLE campaign_products_gone RENAME TO campaign_products");

  const json data = Get("/v1/validations/" + run)["data"];
  EXPECT_EQ(data["status"], "failed");
  const std::string error = data["summary"]["error"].get<std::string>();
  EXPECT_NE(error.find("campaign_products"), std::string::npos) << error;
  EXPECT_EQ(api_.EventData("com.nedlia.video.validation_failed.v1")["error"], error);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_dead_letters WHERE consumer = 'validator'"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.validation_completed.v1"), 0);
}

TEST_F(ValidatorTest, ARedeliveredRequestIsNotValidatedTwice) {
  Place(good_, 0, 10);
  const std::string run = RequestValidation();
  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, run);
  const json before = Get("/v1/validations/" + run)["data"];
  ASSERT_EQ(before["status"], "completed");

  // Marked processed: a second pass has nothing to do.
  EXPECT_EQ(validator.RunOnce(), 0);
  // Rewound, processed marks forgotten: the request is delivered again, and skipped because
  // its run has ended.
  pg::Pool admin_pool({.url = api_.Database().Url(), .max_size = 1});
  pg::RunInTransaction(admin_pool, {}, [](pg::Transaction& tx) {
    consumers::SubscriptionAdmin admin(tx.Conn());
    admin.Rewind("validator", admin.PositionBefore("1970-01-01T00:00:00Z"));
  });
  EXPECT_EQ(RunUntil(validator, [](int moved) { return moved >= 1; }), 1);
  EXPECT_EQ(Get("/v1/validations/" + run)["data"], before);
  EXPECT_EQ(api_.EventCount("com.nedlia.video.validation_completed.v1"), 1);
}

TEST_F(ValidatorTest, AVideosRunsAreListedOldestFirstWithinTheKeysTenancy) {
  const std::string acme_key = api_.AdvertiserKey(acme_);
  const std::string by_admin = RequestValidation();
  const std::string by_acme = RequestValidation(acme_key);
  const std::string path = "/v1/videos/" + video_ + "/validations";

  const json all = Get(path)["data"];
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["id"], by_admin);
  EXPECT_EQ(all[1]["id"], by_acme);
  const auto acme_view = api_.Call("GET", path, std::nullopt, {}, acme_key);
  ASSERT_EQ(acme_view.status, 200);
  ASSERT_EQ(acme_view.body["data"].size(), 1u);
  EXPECT_EQ(acme_view.body["data"][0]["id"], by_acme);
  EXPECT_EQ(api_.Call("GET", "/v1/validations/" + by_admin, std::nullopt, {}, acme_key).status,
            404);
  EXPECT_EQ(api_.Call("GET", "/v1/validations/" + by_acme, std::nullopt, {}, acme_key).status, 200);

  const json first_page = Get(path + "?limit=1");
  ASSERT_EQ(first_page["data"].size(), 1u);
  EXPECT_EQ(first_page["data"][0]["id"], by_admin);
  const json second_page =
      Get(path + "?limit=1&cursor=" + first_page["meta"]["next_cursor"].get<std::string>());
  EXPECT_EQ(second_page["data"][0]["id"], by_acme);

  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, by_admin);
  RunUntilEnded(validator, by_acme);
  EXPECT_EQ(Get(path + "?status=completed")["data"].size(), 2u);
  EXPECT_EQ(Get(path + "?status=pending")["data"].size(), 0u);
}

TEST_F(ValidatorTest, AnAdvertisersRunReportsItsOwnPlacementsAndNothingOfAnotherTenant) {
  // Videos are shared: acme validates a video where a suspended rival has overlapping drafts
  // in a paused campaign. Acme's run must not show a rival id, status or campaign; the rival's
  // placements only count for how crowded the screen is.
  const std::string rival = api_.NewAdvertiser("rival");
  api_.Sql().Execute("UPDATE advertisers SET status = 'suspended' WHERE id = $1",
                     pg::Params(rival));
  const std::string rival_product = NewProduct(rival);
  const std::string rival_campaign = api_.QueryText(
      "INSERT INTO campaigns (advertiser_id, name, budget, status, start_date, end_date) "
      "VALUES ($1, 'Secret', 1000, 'paused', '2026-06-01', '2026-06-30') RETURNING id",
      pg::Params(rival));
  api_.Sql().Execute("INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)",
                     pg::Params(rival_campaign, rival_product));
  const std::vector<std::string> rival_placements = {Place(rival_product, 0, 20, "draft"),
                                                     Place(rival_product, 5, 25, "draft"),
                                                     Place(rival_product, 8, 30)};
  const std::string mine = Place(good_, 9, 12);  // on screen with all three
  const std::string acme_key = api_.AdvertiserKey(acme_);
  const std::string run = RequestValidation(acme_key);
  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, run);

  const auto reply = api_.Call("GET", "/v1/validations/" + run, std::nullopt, {}, acme_key);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  const json& data = reply.body["data"];
  EXPECT_EQ(Field(data["issues"], "placement_id"), (std::vector<std::string>{mine}));
  EXPECT_EQ(Field(data["issues"], "issue_type"),
            (std::vector<std::string>{"too_many_simultaneous"}));
  EXPECT_EQ(data["summary"], json({{"total_placements", 1},
                                   {"valid_placements", 0},
                                   {"issues_count", 1},
                                   {"is_valid", false}}));
  std::vector<std::string> secrets = rival_placements;
  secrets.insert(secrets.end(), {rival, rival_product, rival_campaign, "suspended", "paused"});
  for (const std::string& secret : secrets)
    EXPECT_EQ(reply.raw.find(secret), std::string::npos) << "leaks " << secret << ": " << reply.raw;
  // The completed event, which acme's webhooks and feed receive, counts the same.
  EXPECT_EQ(api_.EventData("com.nedlia.video.validation_completed.v1")["total_placements"], 1);
}

TEST_F(ValidatorTest, ListsLeaveTheIssuesOutAndTheyArePagedApart) {
  for (int i = 0; i < 5; ++i)
    Place(NewProduct(acme_), 50 + i, 62);  // crowded, past the video's end, no campaign
  const std::string run = RequestValidation();
  consumers::Consumer validator = Validator();
  RunUntilEnded(validator, run);
  const json whole = Get("/v1/validations/" + run)["data"]["issues"];
  ASSERT_GE(whole.size(), 5u);

  const json listed = Get("/v1/videos/" + video_ + "/validations")["data"][0];
  EXPECT_FALSE(listed.contains("issues")) << listed.dump();
  EXPECT_EQ(listed["issues_url"], "/v1/validations/" + run + "/issues");
  EXPECT_EQ(listed["summary"]["issues_count"], whole.size());
  EXPECT_FALSE(Get("/v1/validation-runs")["data"][0].contains("issues"));

  json paged = json::array();
  std::string path = "/v1/validations/" + run + "/issues?limit=2";
  for (std::size_t pages = 0; pages <= whole.size(); ++pages) {
    const json page = Get(path);
    for (const json& issue : page["data"])
      paged.push_back(issue);
    if (page["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/validations/" + run +
           "/issues?limit=2&cursor=" + page["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(paged, whole);
  for (const char* bad : {"?limit=0", "?limit=1001", "?cursor=5", "?cursor=i1.x"})
    EXPECT_EQ(api_.Call("GET", "/v1/validations/" + run + "/issues" + bad).status, 422) << bad;
}

TEST_F(ValidatorTest, BadReadsAreProblemsThatPointAtTheParameter) {
  const std::string path = "/v1/videos/" + video_ + "/validations";
  for (const auto& [query, pointer] : std::vector<std::pair<std::string, std::string>>{
           {"?status=done", "/query/status"}, {"?limit=0", "/query/limit"}}) {
    const auto reply = api_.Call("GET", path + query);
    EXPECT_EQ(reply.status, 422) << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
    EXPECT_EQ(reply.ErrorPointers(), pointer);
  }
  EXPECT_EQ(api_.Call("GET", "/v1/videos/0190f6d2-7a3e-7c4b-8d5e-0123456789ab/validations").status,
            404);
  EXPECT_EQ(api_.Call("GET", "/v1/validations/not-a-uuid").status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/validations/0190f6d2-7a3e-7c4b-8d5e-0123456789ab").status, 404);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM validation_runs"), 0);
}

}  // namespace
}  // namespace nedlia::testing
