// /v1/campaigns end to end: create, read, change and delete, over the real server and a
// fresh database. Spending and linked products have suites of their own.
#include <gtest/gtest.h>

#include <set>

#include "api/campaigns_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

TEST_F(CampaignsApiTest, CreateReturnsADraftWithItsETagAndEmitsCreated) {
  const auto created = api_.Call("POST", "/v1/campaigns", Campaign(1500.5));
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& data = created.body["data"];
  EXPECT_EQ(data["advertiser_id"], advertiser_);
  EXPECT_EQ(data["name"], "Summer");
  EXPECT_EQ(data["budget"], 1500.5);
  EXPECT_EQ(data["spent"], 0);
  EXPECT_EQ(data["currency"], "USD");
  EXPECT_EQ(data["status"], "draft");
  EXPECT_EQ(data["start_date"], "2026-06-01");
  EXPECT_EQ(data["end_date"], "2026-08-31");
  EXPECT_EQ(data["version"], 1);
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  EXPECT_EQ(created.Header("Location"), "/v1/campaigns/" + created.Id());
  EXPECT_EQ(Scalar("SELECT budget::text FROM campaigns WHERE id = $1", created.Id()), "1500.50");

  const auto events = Events(kCampaignCreated);
  ASSERT_EQ(events.size(), 1U);
  const json& event = events[0];
  EXPECT_EQ(event["campaign_id"], created.Id());
  EXPECT_EQ(event["advertiser_id"], advertiser_);
  EXPECT_EQ(event["name"], "Summer");
  EXPECT_EQ(event["budget"], 1500.5);
  EXPECT_EQ(event["currency"], "USD");
  EXPECT_EQ(event["start_date"], "2026-06-01");
  EXPECT_EQ(event["end_date"], "2026-08-31");
  EXPECT_EQ(event["created_by"], data["created_by"]);
  EXPECT_EQ(event.size(), 8U) << event.dump();
}

TEST_F(CampaignsApiTest, AmountsAreExactAndMayTravelAsDecimalStrings) {
  json body = Campaign();
  body["budget"] = "9999999999.99";
  const auto created = api_.Call("POST", "/v1/campaigns", body);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(Scalar("SELECT budget::text FROM campaigns WHERE id = $1", created.Id()),
            "9999999999.99");
  EXPECT_EQ(created.body["data"]["budget"], 9999999999.99);
  body["budget"] = 0.1;
  body["currency"] = "EUR";
  const auto small = api_.Call("POST", "/v1/campaigns", body);
  ASSERT_EQ(small.status, 201) << small.raw;
  EXPECT_EQ(Scalar("SELECT budget::text FROM campaigns WHERE id = $1", small.Id()), "0.10");
}

TEST_F(CampaignsApiTest, AdvertiserKeyCreatesForItsOwnAdvertiserOnly) {
  const std::string key = api_.AdvertiserKey(advertiser_);
  json body = Campaign();
  body.erase("advertiser_id");
  const auto own = api_.Call("POST", "/v1/campaigns", body, {}, key);
  ASSERT_EQ(own.status, 201) << own.raw;
  EXPECT_EQ(own.body["data"]["advertiser_id"], advertiser_);

  body["advertiser_id"] = other_advertiser_;
  const auto foreign = api_.Call("POST", "/v1/campaigns", body, {}, key);
  EXPECT_EQ(foreign.status, 422);
  EXPECT_EQ(foreign.ErrorPointers(), "/advertiser_id");

  body.erase("advertiser_id");
  const auto admin_without = api_.Call("POST", "/v1/campaigns", body);
  EXPECT_EQ(admin_without.status, 422);
  EXPECT_EQ(admin_without.ErrorPointers(), "/advertiser_id");

  body["advertiser_id"] = "0190f6d2-7a3e-7c4b-8d5e-0123456789ab";
  const auto unknown = api_.Call("POST", "/v1/campaigns", body);
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.ErrorPointers(), "/advertiser_id");

  api_.Sql().Execute("UPDATE advertisers SET deleted_at = now() WHERE id = $1",
                     pg::Params(other_advertiser_));
  body["advertiser_id"] = other_advertiser_;
  EXPECT_EQ(api_.Call("POST", "/v1/campaigns", body).status, 422);
  EXPECT_EQ(api_.EventCount(kCampaignCreated), 1);
}

TEST_F(CampaignsApiTest, BadInputNamesEveryFieldAndWritesNothing) {
  struct Case {
    json change;  // merged into a valid body; null members are removed
    std::string pointers;
  };
  const std::vector<Case> cases = {
      {{{"name", nullptr}, {"budget", nullptr}, {"start_date", nullptr}, {"end_date", nullptr}},
       "/name /budget /start_date /end_date"},
      {{{"advertiser_id", "nope"}}, "/advertiser_id"},
      {{{"advertiser_id", 7}}, "/advertiser_id"},
      {{{"name", ""}}, "/name"},
      {{{"name", std::string(256, 'x')}}, "/name"},
      {{{"name", 12}}, "/name"},
      {{{"budget", 1.001}}, "/budget"},
      {{{"budget", -5}}, "/budget"},
      {{{"budget", 1e10}}, "/budget"},
      {{{"budget", "12,50"}}, "/budget"},
      {{{"budget", true}}, "/budget"},
      {{{"currency", "usd"}}, "/currency"},
      {{{"currency", "EURO"}}, "/currency"},
      {{{"currency", "XYZ"}}, "/currency"},
      {{{"currency", "JPY"}, {"budget", 100.5}}, "/budget"},
      {{{"start_date", "2026-02-30"}}, "/start_date"},
      {{{"start_date", "01/06/2026"}}, "/start_date"},
      {{{"end_date", "2026-06-01"}}, "/end_date"},
      {{{"end_date", "2026-05-31"}}, "/end_date"},
      {{{"status", "active"}}, "/status"},
      {{{"status", "live"}}, "/status"},
      {{{"spent", 5}}, "/spent"},
      {{{"id", "0190f6d2-7a3e-7c4b-8d5e-0123456789ab"}}, "/id"},
      {{{"version", 3}}, "/version"},
      {{{"colour", "red"}}, "/colour"},
  };
  for (const auto& test : cases) {
    json body = Campaign();
    for (const auto& [name, value] : test.change.items()) {
      if (value.is_null())
        body.erase(name);
      else
        body[name] = value;
    }
    const auto reply = api_.Call("POST", "/v1/campaigns", body);
    EXPECT_EQ(reply.status, 422) << body.dump() << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << body.dump();
    EXPECT_EQ(reply.ErrorPointers(), test.pointers) << body.dump() << " -> " << reply.raw;
  }
  for (const std::string raw : {"{", "[]", "\"x\"", "{\"budget\": 1e400}", ""}) {
    const auto reply = api_.CallRaw("POST", "/v1/campaigns", raw);
    EXPECT_TRUE(reply.status == 400 || reply.status == 422) << raw << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << raw;
  }
  EXPECT_EQ(api_.Count("SELECT count(*) FROM campaigns"), 0);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 0);
}

TEST_F(CampaignsApiTest, GetAndListShowLiveCampaignsOnlyWithFilters) {
  const std::string first = Create();
  const std::string second = CreateActive();
  json foreign = Campaign();
  foreign["advertiser_id"] = other_advertiser_;
  const auto third = api_.Call("POST", "/v1/campaigns", foreign);
  ASSERT_EQ(third.status, 201);

  const auto got = api_.Call("GET", "/v1/campaigns/" + second);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["data"]["status"], "active");
  EXPECT_EQ(got.Header("ETag"), "\"2\"");

  EXPECT_EQ(api_.Call("GET", "/v1/campaigns").body["data"].size(), 3U);
  const auto mine = api_.Call("GET", "/v1/campaigns?advertiser_id=" + advertiser_);
  ASSERT_EQ(mine.body["data"].size(), 2U);
  EXPECT_EQ(mine.body["data"][0]["id"], first);
  const auto active = api_.Call("GET", "/v1/campaigns?status=active");
  ASSERT_EQ(active.body["data"].size(), 1U);
  EXPECT_EQ(active.body["data"][0]["id"], second);

  const auto bad_status = api_.Call("GET", "/v1/campaigns?status=running");
  EXPECT_EQ(bad_status.status, 422);
  EXPECT_EQ(bad_status.ErrorPointers(), "/query/status");
  const auto bad_id = api_.Call("GET", "/v1/campaigns?advertiser_id=nope");
  EXPECT_EQ(bad_id.status, 422);
  EXPECT_EQ(bad_id.ErrorPointers(), "/query/advertiser_id");
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns/not-a-uuid").status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns/0190f6d2-7a3e-7c4b-8d5e-0123456789ab").status, 404);

  ASSERT_EQ(api_.Delete("/v1/campaigns/" + first, 1).status, 204);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns/" + first).status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns?advertiser_id=" + advertiser_).body["data"].size(), 1U);
}

TEST_F(CampaignsApiTest, CursorPagesVisitEveryCampaignOnce) {
  for (int i = 0; i < 5; ++i)
    Create();
  std::set<std::string> seen;
  std::string path = "/v1/campaigns?limit=2";
  for (int page = 0; page < 10; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    for (const auto& item : reply.body["data"])
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second);
    if (page == 0)
      Create();  // lands after the cursor: ids are time-ordered
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/campaigns?limit=2&cursor=" + reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 6U);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns?cursor=bogus").ErrorPointers(), "/query/cursor");
}

TEST_F(CampaignsApiTest, PatchNeedsTheCurrentVersionAndEmitsUpdated) {
  const std::string id = Create();
  const std::string path = "/v1/campaigns/" + id;
  const json change = {{"name", "Autumn"}, {"budget", 2000}, {"end_date", "2026-09-30"}};
  EXPECT_EQ(api_.Call("PATCH", path, change).status, 428);
  EXPECT_EQ(Patch(id, change, 2).status, 412);
  EXPECT_EQ(api_.Call("PATCH", path, change, {"If-Match: W/\"1\""}).status, 412);
  const auto patched = Patch(id, change, 1);
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.Header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["data"]["name"], "Autumn");
  EXPECT_EQ(patched.body["data"]["budget"], 2000);
  EXPECT_EQ(patched.body["data"]["end_date"], "2026-09-30");
  const auto events = Events(kCampaignUpdated);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0],
            json({{"campaign_id", id},
                  {"changes", {{"name", "Autumn"}, {"budget", 2000.0}, {"end_date", "2026-09-30"}}},
                  {"previous_version", 1},
                  {"new_version", 2}}));
}

TEST_F(CampaignsApiTest, PatchWithNothingNewChangesNothing) {
  const std::string id = Create();
  const auto same = Patch(id, {{"name", "Summer"}, {"budget", 1500.5}}, 1);
  ASSERT_EQ(same.status, 200) << same.raw;
  EXPECT_EQ(same.Header("ETag"), "\"1\"");
  EXPECT_EQ(api_.EventCount(kCampaignUpdated), 0);
  EXPECT_EQ(Patch(id, json::object(), 1).status, 200);
}

TEST_F(CampaignsApiTest, PatchValidatesTheMergedCampaignAndWritesNothingOnBadInput) {
  const std::string id = Create();
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"start_date", "2026-09-01"}}, "/end_date"},
      {{{"end_date", "2026-05-01"}}, "/end_date"},
      {{{"name", nullptr}}, "/name"},
      {{{"name", ""}}, "/name"},
      {{{"budget", nullptr}}, "/budget"},
      {{{"budget", 0.001}}, "/budget"},
      {{{"budget", -1}}, "/budget"},
      {{{"currency", "usd"}}, "/currency"},
      {{{"currency", "JPY"}}, "/budget"},  // 1500.50 yen cannot be
      {{{"status", "paused"}}, "/status"},
      {{{"status", "completed"}}, "/status"},
      {{{"status", "live"}}, "/status"},
      {{{"spent", 0}}, "/spent"},
      {{{"advertiser_id", other_advertiser_}}, "/advertiser_id"},
      {{{"version", 9}}, "/version"},
      {{{"colour", "red"}}, "/colour"},
      {{{"name", "Ok"}, {"budget", "x"}}, "/budget"},
  };
  for (const auto& [body, pointers] : cases) {
    const auto reply = Patch(id, body, 1);
    EXPECT_EQ(reply.status, 422) << body.dump() << " -> " << reply.raw;
    EXPECT_EQ(reply.ErrorPointers(), pointers) << body.dump() << " -> " << reply.raw;
  }
  const auto not_an_object = Patch(id, json::array(), 1);
  EXPECT_TRUE(not_an_object.status == 400 || not_an_object.status == 422) << not_an_object.raw;
  const auto unchanged = api_.Call("GET", "/v1/campaigns/" + id);
  EXPECT_EQ(unchanged.body["data"]["version"], 1);
  EXPECT_EQ(unchanged.body["data"]["name"], "Summer");
  EXPECT_EQ(
      api_.Count("SELECT count(*) FROM event_log WHERE event_type <> '" + kCampaignCreated + "'"),
      0);
}

TEST_F(CampaignsApiTest, CurrencyChangesOnlyWhileDraft) {
  const std::string id = Create(1500);
  const auto draft = Patch(id, {{"currency", "JPY"}}, 1);
  ASSERT_EQ(draft.status, 200) << draft.raw;
  EXPECT_EQ(draft.body["data"]["currency"], "JPY");
  ASSERT_EQ(Patch(id, {{"status", "active"}}, 2).status, 200);
  const auto active = Patch(id, {{"currency", "EUR"}}, 3);
  EXPECT_EQ(active.status, 422);
  EXPECT_EQ(active.ErrorPointers(), "/currency");
}

TEST_F(CampaignsApiTest, BudgetMayNotGoBelowSpent) {
  const std::string id = CreateActive(500);
  ASSERT_EQ(Spend(id, 100).status, 200);
  const auto below = Patch(id, {{"budget", 99.99}}, 3);
  EXPECT_EQ(below.status, 422);
  EXPECT_EQ(below.ErrorPointers(), "/budget");
  const auto equal = Patch(id, {{"budget", 100}}, 3);
  ASSERT_EQ(equal.status, 200) << equal.raw;
  EXPECT_EQ(equal.body["data"]["budget"], 100);
  EXPECT_EQ(equal.body["data"]["spent"], 100);
}

TEST_F(CampaignsApiTest, StatusMovesFollowTheLifecycleAndEachEmitsItsEvent) {
  const std::string id = Create();
  ASSERT_EQ(Patch(id, {{"status", "active"}}, 1).status, 200);
  ASSERT_EQ(Patch(id, {{"status", "paused"}}, 2).status, 200);
  ASSERT_EQ(Patch(id, {{"status", "active"}}, 3).status, 200);
  ASSERT_EQ(Patch(id, {{"status", "paused"}}, 4).status, 200);
  const auto to_draft = Patch(id, {{"status", "draft"}}, 5);
  EXPECT_EQ(to_draft.status, 422);
  EXPECT_EQ(to_draft.ErrorPointers(), "/status");
  ASSERT_EQ(Patch(id, {{"status", "completed"}}, 5).status, 200);
  for (const char* status : {"active", "paused", "draft"}) {
    const auto reply = Patch(id, {{"status", status}}, 6);
    EXPECT_EQ(reply.status, 422) << status;
    EXPECT_EQ(reply.ErrorPointers(), "/status") << status;
  }
  EXPECT_EQ(api_.EventCount(kCampaignActivated), 1);
  EXPECT_EQ(api_.EventCount(kCampaignResumed), 1);
  EXPECT_EQ(api_.EventCount(kCampaignPaused), 2);
  EXPECT_EQ(api_.EventCount(kCampaignCompleted), 1);
  EXPECT_EQ(api_.EventCount(kCampaignUpdated), 0);  // status moves have events of their own

  const auto activated = Events(kCampaignActivated).at(0);
  EXPECT_EQ(activated["campaign_id"], id);
  EXPECT_EQ(activated["advertiser_id"], advertiser_);
  EXPECT_EQ(activated["previous_status"], "draft");
  EXPECT_EQ(activated["version"], 2);
  EXPECT_FALSE(activated["changed_by"].get<std::string>().empty());
  EXPECT_EQ(Events(kCampaignResumed).at(0)["previous_status"], "paused");
  EXPECT_EQ(Events(kCampaignCompleted).at(0)["previous_status"], "paused");

  const std::string direct = CreateActive();
  ASSERT_EQ(Patch(direct, {{"status", "completed"}}, 2).status, 200);
  EXPECT_EQ(Events(kCampaignCompleted).at(1)["previous_status"], "active");
}

TEST_F(CampaignsApiTest, OnePatchEmitsAtMostOneUpdatedAndOneStatusEvent) {
  const std::string id = Create();
  const auto reply = Patch(id, {{"name", "Launch"}, {"status", "active"}, {"budget", 10}}, 1);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body["data"]["version"], 2);
  const auto updated = Events(kCampaignUpdated);
  ASSERT_EQ(updated.size(), 1U);
  EXPECT_EQ(updated[0]["changes"], json({{"name", "Launch"}, {"budget", 10.0}}));
  EXPECT_EQ(updated[0]["new_version"], 2);
  ASSERT_EQ(api_.EventCount(kCampaignActivated), 1);
  EXPECT_EQ(Events(kCampaignActivated)[0]["version"], 2);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 3);  // created, updated, activated
}

TEST_F(CampaignsApiTest, DeleteNeedsIfMatchAndHidesTheCampaign) {
  const std::string id = Create();
  const std::string path = "/v1/campaigns/" + id;
  EXPECT_EQ(api_.Call("DELETE", path).status, 428);
  EXPECT_EQ(api_.Delete(path, 2).status, 412);
  EXPECT_EQ(api_.Delete(path, 1).status, 204);
  const auto events = Events(kCampaignDeleted);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0]["campaign_id"], id);
  EXPECT_EQ(events[0]["advertiser_id"], advertiser_);
  EXPECT_FALSE(events[0]["deleted_by"].get<std::string>().empty());

  EXPECT_EQ(api_.Call("GET", path).status, 404);
  EXPECT_EQ(Patch(id, {{"name", "x"}}, 1).status, 404);
  EXPECT_EQ(api_.Delete(path, 1).status, 404);
  EXPECT_EQ(Spend(id, 1).status, 404);
  EXPECT_EQ(api_.Call("GET", path + "/products").status, 404);
  EXPECT_EQ(api_.Call("PUT", path + "/products/" + product_).status, 404);
  EXPECT_EQ(api_.EventCount(kCampaignDeleted), 1);
}

}  // namespace
}  // namespace nedlia::testing
