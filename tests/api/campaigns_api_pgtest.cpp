// /v1/campaigns end to end: the real server and middleware over a fresh database.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class CampaignsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    advertiser_ = api_.QueryText(
        "INSERT INTO advertisers (name, contact_email) VALUES ('Acme', 'ads@acme.example') "
        "RETURNING id");
    other_advertiser_ = api_.QueryText(
        "INSERT INTO advertisers (name, contact_email) VALUES ('Other', 'o@other.example') "
        "RETURNING id");
    product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" + advertiser_ +
                              "', 'Cola') RETURNING id");
    other_product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" +
                                    other_advertiser_ + "', 'Soda') RETURNING id");
  }

  std::string Scalar(const std::string& sql, const std::string& id) {
    return api_.Sql().Execute(sql, pg::Params(id)).Single()[0].As<std::string>();
  }

  json Campaign(double budget = 1500.5) const {
    return {{"advertiser_id", advertiser_},
            {"name", "Summer"},
            {"budget", budget},
            {"currency", "USD"},
            {"start_date", "2026-06-01"},
            {"end_date", "2026-08-31"}};
  }

  /// Creates a campaign (admin key) and returns its id.
  std::string Create(double budget = 1500.5) {
    const auto reply = api_.Call("POST", "/v1/campaigns", Campaign(budget));
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  ApiReply Patch(const std::string& id, const json& body, int version,
                 const std::optional<std::string>& key = std::nullopt) {
    return api_.Call("PATCH", "/v1/campaigns/" + id, body,
                     {"If-Match: \"" + std::to_string(version) + "\""}, key);
  }

  /// Creates an active campaign; it is then at version 2.
  std::string CreateActive(double budget = 1500.5) {
    const std::string id = Create(budget);
    const auto reply = Patch(id, {{"status", "active"}}, 1);
    EXPECT_EQ(reply.status, 200) << reply.raw;
    return id;
  }

  ApiReply Spend(const std::string& id, const json& amount,
                 const std::vector<std::string>& headers = {},
                 const std::optional<std::string>& key = std::nullopt) {
    return api_.Call("POST", "/v1/campaigns/" + id + "/spend", json{{"amount", amount}}, headers,
                     key);
  }

  /// The data of every event of `type`, oldest first.
  std::vector<json> Events(const std::string& type) {
    std::vector<json> events;
    for (const pg::Row& row :
         api_.Sql().Execute("SELECT data::text FROM event_log WHERE event_type = $1 ORDER BY "
                            "position",
                            pg::Params(type))) {
      events.push_back(json::parse(row[0].As<std::string>()));
    }
    return events;
  }

  ApiFixture api_;
  std::string advertiser_, other_advertiser_, product_, other_product_;
};

const std::string kCreated = "com.nedlia.campaign.created.v1";
const std::string kUpdated = "com.nedlia.campaign.updated.v1";
const std::string kActivated = "com.nedlia.campaign.activated.v1";
const std::string kResumed = "com.nedlia.campaign.resumed.v1";
const std::string kPaused = "com.nedlia.campaign.paused.v1";
const std::string kCompleted = "com.nedlia.campaign.completed.v1";
const std::string kDeleted = "com.nedlia.campaign.deleted.v1";
const std::string kSpent = "com.nedlia.campaign.spent.v1";
const std::string kExhausted = "com.nedlia.campaign.budget_exhausted.v1";
const std::string kProductAdded = "com.nedlia.campaign.product_added.v1";
const std::string kProductRemoved = "com.nedlia.campaign.product_removed.v1";

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

  const auto events = Events(kCreated);
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
  EXPECT_EQ(api_.EventCount(kCreated), 1);
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

  ASSERT_EQ(api_.Call("DELETE", "/v1/campaigns/" + first, std::nullopt, {"If-Match: \"1\""}).status,
            204);
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
  const auto events = Events(kUpdated);
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
  EXPECT_EQ(api_.EventCount(kUpdated), 0);
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
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log WHERE event_type <> '" + kCreated + "'"), 0);
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
  EXPECT_EQ(api_.EventCount(kActivated), 1);
  EXPECT_EQ(api_.EventCount(kResumed), 1);
  EXPECT_EQ(api_.EventCount(kPaused), 2);
  EXPECT_EQ(api_.EventCount(kCompleted), 1);
  EXPECT_EQ(api_.EventCount(kUpdated), 0);  // status moves have events of their own

  const auto activated = Events(kActivated).at(0);
  EXPECT_EQ(activated["campaign_id"], id);
  EXPECT_EQ(activated["advertiser_id"], advertiser_);
  EXPECT_EQ(activated["previous_status"], "draft");
  EXPECT_EQ(activated["version"], 2);
  EXPECT_FALSE(activated["changed_by"].get<std::string>().empty());
  EXPECT_EQ(Events(kResumed).at(0)["previous_status"], "paused");
  EXPECT_EQ(Events(kCompleted).at(0)["previous_status"], "paused");

  const std::string direct = CreateActive();
  ASSERT_EQ(Patch(direct, {{"status", "completed"}}, 2).status, 200);
  EXPECT_EQ(Events(kCompleted).at(1)["previous_status"], "active");
}

TEST_F(CampaignsApiTest, OnePatchEmitsAtMostOneUpdatedAndOneStatusEvent) {
  const std::string id = Create();
  const auto reply = Patch(id, {{"name", "Launch"}, {"status", "active"}, {"budget", 10}}, 1);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body["data"]["version"], 2);
  const auto updated = Events(kUpdated);
  ASSERT_EQ(updated.size(), 1U);
  EXPECT_EQ(updated[0]["changes"], json({{"name", "Launch"}, {"budget", 10.0}}));
  EXPECT_EQ(updated[0]["new_version"], 2);
  ASSERT_EQ(api_.EventCount(kActivated), 1);
  EXPECT_EQ(Events(kActivated)[0]["version"], 2);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 3);  // created, updated, activated
}

TEST_F(CampaignsApiTest, DeleteNeedsIfMatchAndHidesTheCampaign) {
  const std::string id = Create();
  const std::string path = "/v1/campaigns/" + id;
  EXPECT_EQ(api_.Call("DELETE", path).status, 428);
  EXPECT_EQ(api_.Call("DELETE", path, std::nullopt, {"If-Match: \"2\""}).status, 412);
  EXPECT_EQ(api_.Call("DELETE", path, std::nullopt, {"If-Match: \"1\""}).status, 204);
  const auto events = Events(kDeleted);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0]["campaign_id"], id);
  EXPECT_EQ(events[0]["advertiser_id"], advertiser_);
  EXPECT_FALSE(events[0]["deleted_by"].get<std::string>().empty());

  EXPECT_EQ(api_.Call("GET", path).status, 404);
  EXPECT_EQ(Patch(id, {{"name", "x"}}, 1).status, 404);
  EXPECT_EQ(api_.Call("DELETE", path, std::nullopt, {"If-Match: \"1\""}).status, 404);
  EXPECT_EQ(Spend(id, 1).status, 404);
  EXPECT_EQ(api_.Call("GET", path + "/products").status, 404);
  EXPECT_EQ(api_.Call("PUT", path + "/products/" + product_).status, 404);
  EXPECT_EQ(api_.EventCount(kDeleted), 1);
}

TEST_F(CampaignsApiTest, SpendAddsExactlyAndEmitsSpent) {
  const std::string id = CreateActive(100);
  const auto first = Spend(id, 12.34);
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.body["data"]["spent"], 12.34);
  EXPECT_EQ(first.Header("ETag"), "\"3\"");
  const auto second = Spend(id, "0.66");
  ASSERT_EQ(second.status, 200) << second.raw;
  EXPECT_EQ(second.body["data"]["spent"], 13);
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "13.00");
  const auto events = Events(kSpent);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0],
            json({{"campaign_id", id}, {"amount", 12.34}, {"spent", 12.34}, {"budget", 100.0}}));
  EXPECT_EQ(events[1]["amount"], 0.66);
  EXPECT_EQ(events[1]["spent"], 13.0);
  EXPECT_EQ(api_.EventCount(kExhausted), 0);
}

TEST_F(CampaignsApiTest, SpendReachingTheBudgetExactlyEmitsBudgetExhaustedOnce) {
  const std::string id = CreateActive(100);
  ASSERT_EQ(Spend(id, 60).status, 200);
  EXPECT_EQ(api_.EventCount(kExhausted), 0);
  const auto last = Spend(id, 40);
  ASSERT_EQ(last.status, 200) << last.raw;
  EXPECT_EQ(last.body["data"]["spent"], 100);
  const auto exhausted = Events(kExhausted);
  ASSERT_EQ(exhausted.size(), 1U);
  EXPECT_EQ(exhausted[0],
            json({{"campaign_id", id}, {"budget", 100.0}, {"spent", 100.0}, {"currency", "USD"}}));
  const auto over = Spend(id, 0.01);
  EXPECT_EQ(over.status, 409);
  EXPECT_NE(over.raw.find("remaining 0.00"), std::string::npos) << over.raw;
  EXPECT_EQ(api_.EventCount(kExhausted), 1);
  EXPECT_EQ(api_.EventCount(kSpent), 2);
}

TEST_F(CampaignsApiTest, SpendIsRefusedWithoutWritingAnything) {
  const std::string draft = Create(100);
  EXPECT_EQ(Spend(draft, 1).status, 409);
  const std::string id = CreateActive(100);
  ASSERT_EQ(Spend(id, 90).status, 200);

  const auto over = Spend(id, 10.01);
  EXPECT_EQ(over.status, 409);
  EXPECT_NE(over.raw.find("would exceed the budget: remaining 10.00"), std::string::npos)
      << over.raw;
  EXPECT_EQ(over.ErrorPointers(), "/amount");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"amount": 0})", "/amount"},        {R"({"amount": -1})", "/amount"},
      {R"({"amount": 1.001})", "/amount"},    {R"({"amount": "ten"})", "/amount"},
      {R"({"amount": null})", "/amount"},     {R"({})", "/amount"},
      {R"({"amount": 1, "by": "x"})", "/by"}, {R"({"amount": 1e11})", "/amount"},
  };
  for (const auto& [body, pointers] : bad) {
    const auto reply = api_.CallRaw("POST", "/v1/campaigns/" + id + "/spend", body);
    EXPECT_EQ(reply.status, 422) << body << " -> " << reply.raw;
    EXPECT_EQ(reply.ErrorPointers(), pointers) << body << " -> " << reply.raw;
  }
  const auto malformed = api_.CallRaw("POST", "/v1/campaigns/" + id + "/spend", "{");
  EXPECT_TRUE(malformed.status == 400 || malformed.status == 422) << malformed.raw;
  EXPECT_EQ(Spend("0190f6d2-7a3e-7c4b-8d5e-0123456789ab", 1).status, 404);

  ASSERT_EQ(Patch(id, {{"status", "paused"}}, 3).status, 200);
  const auto paused = Spend(id, 1);
  EXPECT_EQ(paused.status, 409);
  EXPECT_NE(paused.raw.find("paused"), std::string::npos) << paused.raw;
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "90.00");
  EXPECT_EQ(api_.EventCount(kSpent), 1);
}

TEST_F(CampaignsApiTest, SpendInACurrencyWithoutMinorUnitsTakesWholeAmounts) {
  json body = Campaign(1000);
  body["currency"] = "JPY";
  const auto created = api_.Call("POST", "/v1/campaigns", body);
  ASSERT_EQ(created.status, 201) << created.raw;
  ASSERT_EQ(Patch(created.Id(), {{"status", "active"}}, 1).status, 200);
  const auto fraction = Spend(created.Id(), 0.5);
  EXPECT_EQ(fraction.status, 422);
  EXPECT_EQ(fraction.ErrorPointers(), "/amount");
  EXPECT_EQ(Spend(created.Id(), 500).status, 200);
}

TEST_F(CampaignsApiTest, SpendHonoursTheIdempotencyKey) {
  const std::string id = CreateActive(100);
  const std::vector<std::string> key = {"Idempotency-Key: spend-7f9c2ba4"};
  const auto first = Spend(id, 10, key);
  ASSERT_EQ(first.status, 200) << first.raw;
  const auto replay = Spend(id, 10, key);
  EXPECT_EQ(replay.status, 200);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  const auto other = Spend(id, 20, key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.ErrorPointers(), "/headers/Idempotency-Key");
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "10.00");
  EXPECT_EQ(api_.EventCount(kSpent), 1);
}

TEST_F(CampaignsApiTest, CreateHonoursTheIdempotencyKey) {
  const std::vector<std::string> key = {"Idempotency-Key: create-1"};
  const auto first = api_.Call("POST", "/v1/campaigns", Campaign(), key);
  ASSERT_EQ(first.status, 201);
  const auto replay = api_.Call("POST", "/v1/campaigns", Campaign(), key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Location"), first.Header("Location"));
  EXPECT_EQ(api_.Call("POST", "/v1/campaigns", Campaign(99), key).status, 422);
  EXPECT_EQ(api_.EventCount(kCreated), 1);
}

TEST_F(CampaignsApiTest, ConcurrentSpendsNeverExceedTheBudget) {
  const std::string id = CreateActive(250);
  std::atomic<int> ok = 0, refused = 0, other = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&] {
      const auto reply = Spend(id, 10.00);
      (reply.status == 200 ? ok : reply.status == 409 ? refused : other)++;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(ok, 25);
  EXPECT_EQ(refused, 15);
  EXPECT_EQ(other, 0);
  EXPECT_EQ(Scalar("SELECT spent::text FROM campaigns WHERE id = $1", id), "250.00");
  EXPECT_EQ(api_.EventCount(kSpent), 25);
  EXPECT_EQ(api_.EventCount(kExhausted), 1);
  // Every spent event saw a distinct running total, ending at the budget.
  std::set<double> totals;
  for (const auto& event : Events(kSpent))
    totals.insert(event["spent"].get<double>());
  EXPECT_EQ(totals.size(), 25U);
  EXPECT_EQ(*totals.rbegin(), 250.0);
}

TEST_F(CampaignsApiTest, ProductsAreLinkedIdempotentlyAndUnlinked) {
  const std::string id = Create();
  const std::string path = "/v1/campaigns/" + id + "/products/" + product_;
  const auto linked = api_.Call("PUT", path);
  ASSERT_EQ(linked.status, 201) << linked.raw;
  EXPECT_EQ(linked.body["data"]["campaign_id"], id);
  EXPECT_EQ(linked.body["data"]["product_id"], product_);
  EXPECT_EQ(linked.body["data"]["product_name"], "Cola");
  const auto again = api_.Call("PUT", path);
  EXPECT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["data"]["linked_at"], linked.body["data"]["linked_at"]);
  const auto added = Events(kProductAdded);
  ASSERT_EQ(added.size(), 1U);
  EXPECT_EQ(added[0]["campaign_id"], id);
  EXPECT_EQ(added[0]["product_id"], product_);
  EXPECT_EQ(added[0]["advertiser_id"], advertiser_);

  const auto list = api_.Call("GET", "/v1/campaigns/" + id + "/products");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["data"].size(), 1U);
  EXPECT_EQ(list.body["data"][0]["product_id"], product_);
  // Linking leaves the campaign's version alone: the link is a resource of its own.
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns/" + id).Header("ETag"), "\"1\"");

  EXPECT_EQ(api_.Call("DELETE", path).status, 204);
  EXPECT_EQ(api_.Call("DELETE", path).status, 404);
  const auto removed = Events(kProductRemoved);
  ASSERT_EQ(removed.size(), 1U);
  EXPECT_EQ(removed[0]["product_id"], product_);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns/" + id + "/products").body["data"].size(), 0U);
}

TEST_F(CampaignsApiTest, OnlyLiveProductsOfTheCampaignsAdvertiserCanBeLinked) {
  const std::string id = Create();
  const std::string base = "/v1/campaigns/" + id + "/products/";
  const std::string deleted = api_.QueryText(
      "INSERT INTO products (advertiser_id, name, deleted_at) "
      "VALUES ('" +
      advertiser_ + "', 'Old', now()) RETURNING id");
  for (const std::string& product :
       {other_product_, deleted, std::string("0190f6d2-7a3e-7c4b-8d5e-0123456789ab"),
        std::string("nope")}) {
    const auto reply = api_.Call("PUT", base + product);
    EXPECT_EQ(reply.status, 422) << product << " -> " << reply.raw;
    EXPECT_EQ(reply.ErrorPointers(), "/path/product_id") << product;
  }
  EXPECT_EQ(api_.Call("DELETE", base + other_product_).status, 404);
  EXPECT_EQ(api_.Call("DELETE", base + "nope").status, 404);

  // A product deleted after it was linked disappears from the list and cannot be unlinked.
  ASSERT_EQ(api_.Call("PUT", base + product_).status, 201);
  api_.Sql().Execute("UPDATE products SET deleted_at = now() WHERE id = $1", pg::Params(product_));
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns/" + id + "/products").body["data"].size(), 0U);
  EXPECT_EQ(api_.Call("DELETE", base + product_).status, 404);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM campaign_products"), 1);
  EXPECT_EQ(api_.EventCount(kProductAdded), 1);
  EXPECT_EQ(api_.EventCount(kProductRemoved), 0);
}

TEST_F(CampaignsApiTest, CampaignProductsArePaged) {
  const std::string id = Create();
  for (int i = 0; i < 3; ++i) {
    const std::string product =
        api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" + advertiser_ +
                       "', 'P" + std::to_string(i) + "') RETURNING id");
    ASSERT_EQ(api_.Call("PUT", "/v1/campaigns/" + id + "/products/" + product).status, 201);
  }
  std::set<std::string> seen;
  std::string path = "/v1/campaigns/" + id + "/products?limit=2";
  for (int page = 0; page < 5; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    for (const auto& item : reply.body["data"])
      EXPECT_TRUE(seen.insert(item["product_id"].get<std::string>()).second);
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/campaigns/" + id +
           "/products?limit=2&cursor=" + reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 3U);
}

TEST_F(CampaignsApiTest, AdvertiserKeyNeverSeesOrChangesAnotherAdvertisersCampaigns) {
  const std::string id = CreateActive(100);
  ASSERT_EQ(api_.Call("PUT", "/v1/campaigns/" + id + "/products/" + product_).status, 201);
  const std::string path = "/v1/campaigns/" + id;
  const std::string intruder = api_.AdvertiserKey(other_advertiser_);
  const std::vector<std::string> if_match = {"If-Match: \"2\""};

  EXPECT_EQ(api_.Call("GET", path, std::nullopt, {}, intruder).status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns", std::nullopt, {}, intruder).body["data"].size(), 0U);
  const auto filtered =
      api_.Call("GET", "/v1/campaigns?advertiser_id=" + advertiser_, std::nullopt, {}, intruder);
  EXPECT_EQ(filtered.status, 200);
  EXPECT_EQ(filtered.body["data"].size(), 0U);
  EXPECT_EQ(Patch(id, {{"name", "Mine now"}}, 2, intruder).status, 404);
  EXPECT_EQ(api_.Call("DELETE", path, std::nullopt, if_match, intruder).status, 404);
  EXPECT_EQ(Spend(id, 1, {}, intruder).status, 404);
  EXPECT_EQ(api_.Call("GET", path + "/products", std::nullopt, {}, intruder).status, 404);
  EXPECT_EQ(
      api_.Call("PUT", path + "/products/" + other_product_, std::nullopt, {}, intruder).status,
      404);
  EXPECT_EQ(api_.Call("DELETE", path + "/products/" + product_, std::nullopt, {}, intruder).status,
            404);

  // Its own campaign cannot take the other advertiser's product either.
  json own_body = Campaign();
  own_body.erase("advertiser_id");
  const auto own = api_.Call("POST", "/v1/campaigns", own_body, {}, intruder);
  ASSERT_EQ(own.status, 201) << own.raw;
  EXPECT_EQ(api_.Call("PUT", "/v1/campaigns/" + own.Id() + "/products/" + product_, std::nullopt,
                      {}, intruder)
                .status,
            422);

  const auto untouched = api_.Call("GET", path);
  EXPECT_EQ(untouched.body["data"]["version"], 2);
  EXPECT_EQ(untouched.body["data"]["spent"], 0);
  EXPECT_EQ(api_.Call("GET", path + "/products").body["data"].size(), 1U);
  EXPECT_EQ(api_.EventCount(kSpent) + api_.EventCount(kUpdated) + api_.EventCount(kDeleted) +
                api_.EventCount(kProductRemoved),
            0);

  const std::string owner = api_.AdvertiserKey(advertiser_);
  EXPECT_EQ(api_.Call("GET", path, std::nullopt, {}, owner).status, 200);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns", std::nullopt, {}, owner).body["data"].size(), 1U);
  EXPECT_EQ(Spend(id, 1, {}, owner).status, 200);
}

}  // namespace
}  // namespace nedlia::testing
