// /v1/advertisers end to end: the real server and middleware over a fresh database.
#include <gtest/gtest.h>

#include <set>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class AdvertisersApiTest : public ::testing::Test {
 protected:
  static json Acme() { return {{"name", "Acme"}, {"contact_email", "ads@acme.example"}}; }

  /// Creates an advertiser with the admin key and returns its id.
  std::string Create(json body = Acme()) {
    const auto reply = api_.Call("POST", "/v1/advertisers", body);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.Id();
  }

  ApiReply Patch(const std::string& id, const json& body, int version,
                 const std::optional<std::string>& key = std::nullopt) {
    return api_.Patch("/v1/advertisers/" + id, body, version, key);
  }

  ApiReply Delete(const std::string& id, int version,
                  const std::optional<std::string>& key = std::nullopt) {
    return api_.Delete("/v1/advertisers/" + id, version, key);
  }

  /// Contact emails and billing details never reach the event log, in any version.
  void ExpectNoPersonalDataInEvents() {
    EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log WHERE data::text ~ "
                         "'@acme\\.example|billing@|DE89|FR76|iban'"),
              0);
  }

  ApiFixture api_;
};

TEST_F(AdvertisersApiTest, CreateReturnsTheAdvertiserWithItsETagAndEmitsItsEvent) {
  json body = Acme();
  body["billing_info"] = {{"iban", "DE89370400440532013000"}, {"terms", {{"net_days", 30}}}};
  const auto created = api_.Call("POST", "/v1/advertisers", body);
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& data = created.body["data"];
  EXPECT_EQ(data["name"], "Acme");
  EXPECT_EQ(data["contact_email"], "ads@acme.example");
  EXPECT_EQ(data["billing_info"], body["billing_info"]);
  EXPECT_EQ(data["status"], "active");
  EXPECT_EQ(data["version"], 1);
  EXPECT_EQ(data["created_by"], api_.AdminKeyId());
  EXPECT_TRUE(data["created_at"].is_string());
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  EXPECT_EQ(created.Header("Location"), "/v1/advertisers/" + created.Id());

  ASSERT_EQ(api_.EventCount("com.nedlia.advertiser.created.v2"), 1);
  const json event = {{"advertiser_id", created.Id()},
                      {"name", "Acme"},
                      {"status", "active"},
                      {"created_by", api_.AdminKeyId()}};
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.created.v2"), event);
  // The v1 copy for v1's readers has the email's place, but never the email.
  json copy = event;
  copy["contact_email"] = "redacted@redacted.invalid";
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.created.v1"), copy);
  ExpectNoPersonalDataInEvents();
  const auto metadata = json::parse(
      api_.QueryText("SELECT metadata::text FROM event_log WHERE aggregate_id = '" + created.Id() +
                     "' AND event_type = 'com.nedlia.advertiser.created.v2'"));
  EXPECT_EQ(metadata["source"], "/advertisers");
  EXPECT_EQ(api_.QueryText("SELECT DISTINCT aggregate_type FROM event_log"), "advertiser");
}

TEST_F(AdvertisersApiTest, AnAdvertiserMayBeCreatedSuspended) {
  json body = Acme();
  body["status"] = "suspended";
  const auto created = api_.Call("POST", "/v1/advertisers", body);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["data"]["status"], "suspended");
  EXPECT_TRUE(created.body["data"]["billing_info"].is_null());
}

TEST_F(AdvertisersApiTest, AdvertiserKeysCannotCreateAdvertisers) {
  const std::string own = Create();
  const std::string key = api_.AdvertiserKey(own);
  const auto reply = api_.Call("POST", "/v1/advertisers", Acme(), {}, key);
  EXPECT_EQ(reply.status, 403) << reply.raw;
  EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json");
  // The role is decided first: a bad body does not turn the answer into a validation error.
  EXPECT_EQ(api_.CallRaw("POST", "/v1/advertisers", "{", {}, key).status, 403);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.created.v1"), 1);
}

TEST_F(AdvertisersApiTest, BadInputNamesEveryFieldAndWritesNothing) {
  struct Case {
    std::string body;
    std::string pointers;
  };
  const std::string ok = R"("name":"Acme","contact_email":"ads@acme.example")";
  std::string deep = "{}";
  for (int i = 0; i < 40; ++i)
    deep = "{\"a\":" + deep + "}";
  const std::vector<Case> cases = {
      {"{", ""},
      {"[]", ""},
      {"{}", "/name /contact_email"},
      {R"({"name":7,"contact_email":["a@b.example"]})", "/name /contact_email"},
      {R"({"name":"  ","contact_email":"ads@acme.example"})", "/name"},
      {R"({"name":")" + std::string(256, 'n') + R"(","contact_email":"ads@acme.example"})",
       "/name"},
      {R"({"name":"Acme","contact_email":"ads at acme"})", "/contact_email"},
      {R"({"name":"Acme","contact_email":"ads@acme"})", "/contact_email"},
      {R"({"name":"Acme","contact_email":")" + std::string(250, 'a') + R"(@acme.example"})",
       "/contact_email"},
      {"{" + ok + R"(,"billing_info":[1]})", "/billing_info"},
      {"{" + ok + R"(,"billing_info":"net 30"})", "/billing_info"},
      {"{" + ok + R"(,"billing_info":{"iban":"\u0000"}})", "/billing_info"},
      {"{" + ok + R"(,"billing_info":{"\u0000":1}})", "/billing_info"},
      {"{" + ok + R"(,"billing_info":)" + deep + "}", "/billing_info"},
      {"{" + ok + R"(,"billing_info":{"limit":1e400}})", ""},
      {"{" + ok + R"(,"status":"closed"})", "/status"},
      {"{" + ok + R"(,"status":1})", "/status"},
      {"{" + ok + R"(,"colour":"red"})", "/colour"},
      {R"({"name":"Acme\u0001","contact_email":"ads@acme.example"})", "/name"},
  };
  for (const auto& test : cases) {
    const auto reply = api_.CallRaw("POST", "/v1/advertisers", test.body);
    EXPECT_TRUE(reply.status == 400 || reply.status == 422) << test.body << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << test.body;
    if (!test.pointers.empty()) {
      EXPECT_EQ(reply.ErrorPointers(), test.pointers) << test.body;
    }
  }
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers"), 0);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 0);
}

TEST_F(AdvertisersApiTest, AddressesTheDatabaseRefusesAreInvalidInputNotErrors) {
  // Unicode spaces are not ASCII white space, so the domain lets them through; the table's
  // check (its locale's [:space:]) may refuse some. Either way the client gets a clear answer
  // and every created advertiser has its event.
  int created = 0;
  for (const char* space : {"\u00a0", "\u2003", "\u3000"}) {
    const auto reply = api_.Call(
        "POST", "/v1/advertisers",
        json{{"name", "Acme"}, {"contact_email", std::string("ads") + space + "x@acme.example"}});
    EXPECT_TRUE(reply.status == 201 || reply.status == 422) << reply.raw;
    if (reply.status == 422) {
      EXPECT_EQ(reply.ErrorPointers(), "/contact_email");
    }
    created += reply.status == 201 ? 1 : 0;
  }
  // The managed cluster's C.UTF-8 locale counts U+2003 and U+3000 as spaces: the check's
  // refusal is exercised, not just tolerated.
  EXPECT_LT(created, 3);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.created.v1"), created);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers"), created);
}

TEST_F(AdvertisersApiTest, GetAndListShowLiveAdvertisersOnly) {
  const std::string first = Create();
  const std::string second = Create({{"name", "Bolt"}, {"contact_email", "b@bolt.example"}});
  const auto got = api_.Call("GET", "/v1/advertisers/" + first);
  ASSERT_EQ(got.status, 200) << got.raw;
  EXPECT_EQ(got.Header("ETag"), "\"1\"");
  EXPECT_EQ(got.body["data"]["name"], "Acme");
  ASSERT_EQ(Delete(first, 1).status, 204);
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/" + first).status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/not-a-uuid").status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/0190f6d2-7a3e-7c4b-8d5e-0123456789ab").status, 404);
  const auto list = api_.Call("GET", "/v1/advertisers");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["data"].size(), 1U);
  EXPECT_EQ(list.body["data"][0]["id"], second);
  EXPECT_TRUE(list.body["meta"]["next_cursor"].is_null());
}

TEST_F(AdvertisersApiTest, ListFiltersByStatus) {
  const std::string active = Create();
  const std::string suspended =
      Create({{"name", "Bolt"}, {"contact_email", "b@bolt.example"}, {"status", "suspended"}});
  const auto only_suspended = api_.Call("GET", "/v1/advertisers?status=suspended");
  ASSERT_EQ(only_suspended.status, 200);
  ASSERT_EQ(only_suspended.body["data"].size(), 1U);
  EXPECT_EQ(only_suspended.body["data"][0]["id"], suspended);
  const auto only_active = api_.Call("GET", "/v1/advertisers?status=active");
  ASSERT_EQ(only_active.body["data"].size(), 1U);
  EXPECT_EQ(only_active.body["data"][0]["id"], active);
  const auto bad = api_.Call("GET", "/v1/advertisers?status=closed");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.ErrorPointers(), "/query/status");
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers?limit=0").ErrorPointers(), "/query/limit");
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers?cursor=zz").ErrorPointers(), "/query/cursor");
}

TEST_F(AdvertisersApiTest, CursorPagesVisitEveryAdvertiserOnceWhileRowsAreInserted) {
  for (int i = 0; i < 5; ++i)
    Create();
  std::set<std::string> seen;
  std::string path = "/v1/advertisers?limit=2";
  for (int page = 0; page < 10; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    EXPECT_LE(reply.body["data"].size(), 2U);
    for (const auto& item : reply.body["data"])
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second);
    if (page == 0)
      Create();  // lands after the cursor (ids are time-ordered) and is seen too
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/advertisers?limit=2&cursor=" + reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 6U);
}

TEST_F(AdvertisersApiTest, PatchNeedsTheCurrentVersionAndEmitsTheChanges) {
  const std::string id = Create();
  const std::string path = "/v1/advertisers/" + id;
  const json change = {{"name", "Acme Corp"}, {"contact_email", "billing@acme.example"}};
  EXPECT_EQ(api_.Call("PATCH", path, change).status, 428);
  EXPECT_EQ(api_.Patch(path, change, 2).status, 412);
  EXPECT_EQ(api_.Call("PATCH", path, change, {"If-Match: W/\"1\""}).status, 412);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.updated.v2"), 0);
  const auto patched = Patch(id, change, 1);
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.Header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["data"]["name"], "Acme Corp");
  EXPECT_EQ(patched.body["data"]["contact_email"], "billing@acme.example");
  EXPECT_EQ(patched.body["data"]["version"], 2);
  ASSERT_EQ(api_.EventCount("com.nedlia.advertiser.updated.v2"), 1);
  // The event says that the email changed, not what it is now.
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.updated.v2"),
            json({{"advertiser_id", id},
                  {"changed_fields", {"name", "contact_email"}},
                  {"changes", {{"name", "Acme Corp"}}},
                  {"previous_version", 1},
                  {"new_version", 2}}));
  EXPECT_EQ(
      api_.EventData("com.nedlia.advertiser.updated.v1"),
      json({{"advertiser_id", id},
            {"changes", {{"name", "Acme Corp"}, {"contact_email", "redacted@redacted.invalid"}}},
            {"previous_version", 1},
            {"new_version", 2}}));
  ExpectNoPersonalDataInEvents();
  // Repeating the values is no change: no new version, no event.
  const auto again = Patch(id, change, 2);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.Header("ETag"), "\"2\"");
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.updated.v2"), 1);
}

TEST_F(AdvertisersApiTest, BillingInfoIsReplacedComparedByValueAndCleared) {
  json body = Acme();
  body["billing_info"] = {{"iban", "DE89"}, {"net_days", 30}};
  const std::string id = Create(body);
  // The same document with its members in another order is the same document.
  const auto same =
      api_.CallRaw("PATCH", "/v1/advertisers/" + id,
                   R"({"billing_info":{"net_days":30,"iban":"DE89"}})", {"If-Match: \"1\""});
  ASSERT_EQ(same.status, 200) << same.raw;
  EXPECT_EQ(same.body["data"]["version"], 1);
  const auto changed = Patch(id, {{"billing_info", {{"iban", "FR76"}}}}, 1);
  ASSERT_EQ(changed.status, 200) << changed.raw;
  EXPECT_EQ(changed.body["data"]["billing_info"], json({{"iban", "FR76"}}));
  const auto cleared = Patch(id, {{"billing_info", nullptr}}, 2);
  ASSERT_EQ(cleared.status, 200) << cleared.raw;
  EXPECT_TRUE(cleared.body["data"]["billing_info"].is_null());
  EXPECT_EQ(cleared.body["data"]["version"], 3);
  // Payment data never goes into an event: the events say that it changed (or was cleared).
  const auto events = api_.Sql().Execute(
      "SELECT data::text FROM event_log WHERE event_type LIKE 'com.nedlia.advertiser.updated.%' "
      "ORDER BY position");
  ASSERT_EQ(events.RowCount(), 4);  // v2 and its v1 copy, twice
  for (int i = 0; i < 4; ++i) {
    const json data = json::parse(events[i][0].As<std::string>());
    if (data.contains("changed_fields")) {
      EXPECT_EQ(data["changed_fields"], json({"billing_info"}));
      EXPECT_EQ(data["changes"], json::object());
    } else {
      EXPECT_EQ(data["changes"], json({{"billing_info", {{"redacted", true}}}}));
    }
  }
  ExpectNoPersonalDataInEvents();
}

TEST_F(AdvertisersApiTest, ADocumentPastItsSizeCapIsRefusedAtItsPointerAndWritesNothing) {
  const std::string id = Create();
  const std::int64_t events = api_.Count("SELECT count(*) FROM event_log");
  // 64 KiB by default: one tenant's megabyte document would otherwise go into every event,
  // feed page and bus message that carries it.
  const json huge = {{"billing_info", {{"notes", std::string(70 * 1024, 'x')}}}};
  const auto refused = Patch(id, huge, 1);
  EXPECT_EQ(refused.status, 422) << refused.raw;
  EXPECT_EQ(refused.ErrorPointers(), "/billing_info");
  EXPECT_NE(refused.raw.find("at most 65536"), std::string::npos) << refused.raw;
  json created = Acme();
  created["billing_info"] = huge["billing_info"];
  EXPECT_EQ(api_.Call("POST", "/v1/advertisers", created).status, 422);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), events);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers"), 1);
  const json fits = {{"billing_info", {{"notes", std::string(60 * 1024, 'x')}}}};
  EXPECT_EQ(Patch(id, fits, 1).status, 200);
}

TEST_F(AdvertisersApiTest, SuspensionAndReactivationEmitTheirOwnEvents) {
  const std::string id = Create();
  const auto suspended = Patch(id, {{"status", "suspended"}}, 1);
  ASSERT_EQ(suspended.status, 200) << suspended.raw;
  EXPECT_EQ(suspended.body["data"]["status"], "suspended");
  ASSERT_EQ(api_.EventCount("com.nedlia.advertiser.suspended.v1"), 1);
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.suspended.v1"),
            json({{"advertiser_id", id},
                  {"previous_status", "active"},
                  {"previous_version", 1},
                  {"new_version", 2},
                  {"suspended_by", api_.AdminKeyId()}}));
  // Suspending again is no change.
  EXPECT_EQ(Patch(id, {{"status", "suspended"}}, 2).status, 200);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.suspended.v1"), 1);

  // A status change with other fields: the status event and an update without the status.
  const auto both = Patch(id, {{"status", "active"}, {"name", "Acme Again"}}, 2);
  ASSERT_EQ(both.status, 200) << both.raw;
  EXPECT_EQ(both.body["data"]["version"], 3);
  ASSERT_EQ(api_.EventCount("com.nedlia.advertiser.reactivated.v1"), 1);
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.reactivated.v1")["previous_status"], "suspended");
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.reactivated.v1")["new_version"], 3);
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.updated.v2"),
            json({{"advertiser_id", id},
                  {"changed_fields", {"name"}},
                  {"changes", {{"name", "Acme Again"}}},
                  {"previous_version", 2},
                  {"new_version", 3}}));
  // The creation and the update, each with its v1 copy, and the two status events.
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 6);
}

TEST_F(AdvertisersApiTest, BadPatchesNameTheFieldAndWriteNothing) {
  const std::string id = Create();
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"name", nullptr}}, "/name"},
      {{{"name", ""}}, "/name"},
      {{{"name", std::string(256, 'n')}}, "/name"},
      {{{"contact_email", "nobody"}}, "/contact_email"},
      {{{"contact_email", nullptr}}, "/contact_email"},
      {{{"billing_info", json::array()}}, "/billing_info"},
      {{{"status", "closed"}}, "/status"},
      {{{"status", nullptr}}, "/status"},
      {{{"id", id}}, "/id"},
      {{{"version", 7}}, "/version"},
      {{{"created_at", "2026-01-01T00:00:00Z"}}, "/created_at"},
      {{{"colour", "red"}}, "/colour"},
  };
  for (const auto& [body, pointers] : cases) {
    const auto reply = Patch(id, body, 1);
    EXPECT_EQ(reply.status, 422) << body << " -> " << reply.raw;
    EXPECT_EQ(reply.ErrorPointers(), pointers) << body;
  }
  EXPECT_EQ(api_.CallRaw("PATCH", "/v1/advertisers/" + id, "{", {"If-Match: \"1\""}).status, 422);
  EXPECT_EQ(api_.QueryText("SELECT version::text FROM advertisers"), "1");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 2);  // the creation and its v1 copy
}

TEST_F(AdvertisersApiTest, AdvertiserKeySeesAndEditsOnlyItsOwnAdvertiser) {
  const std::string own = Create();
  const std::string other = Create({{"name", "Bolt"}, {"contact_email", "b@bolt.example"}});
  const std::string key = api_.AdvertiserKey(own);

  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/" + own, std::nullopt, {}, key).status, 200);
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/" + other, std::nullopt, {}, key).status, 404);
  const auto list = api_.Call("GET", "/v1/advertisers", std::nullopt, {}, key);
  ASSERT_EQ(list.body["data"].size(), 1U);
  EXPECT_EQ(list.body["data"][0]["id"], own);
  EXPECT_EQ(
      api_.Call("GET", "/v1/advertisers?status=active", std::nullopt, {}, key).body["data"].size(),
      1U);

  // Other tenants: 404 whatever the request, nothing changes.
  EXPECT_EQ(Patch(other, {{"name", "Mine now"}}, 1, key).status, 404);
  EXPECT_EQ(Patch(other, {{"status", "suspended"}}, 1, key).status, 404);
  EXPECT_EQ(Delete(other, 1, key).status, 404);
  // Its own: details yes, status and deletion are the platform's (403).
  const auto status = Patch(own, {{"status", "suspended"}}, 1, key);
  EXPECT_EQ(status.status, 403) << status.raw;
  EXPECT_EQ(status.ErrorPointers(), "/status");
  EXPECT_EQ(Delete(own, 1, key).status, 403);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 4);  // the two creations, with copies
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers WHERE version = 1 AND deleted_at IS NULL"),
            2);

  const auto renamed = Patch(own, {{"name", "Acme Ltd"}, {"status", "active"}}, 1, key);
  ASSERT_EQ(renamed.status, 200) << renamed.raw;
  EXPECT_EQ(renamed.body["data"]["name"], "Acme Ltd");
  const json event = api_.EventData("com.nedlia.advertiser.updated.v2");
  EXPECT_EQ(event["changes"], json({{"name", "Acme Ltd"}}));
  EXPECT_EQ(api_.QueryText("SELECT name FROM advertisers WHERE id = '" + other + "'"), "Bolt");
}

TEST_F(AdvertisersApiTest, DeleteNeedsTheCurrentVersionAndEmitsItsEvent) {
  const std::string id = Create();
  EXPECT_EQ(api_.Call("DELETE", "/v1/advertisers/" + id).status, 428);
  EXPECT_EQ(Delete(id, 2).status, 412);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.deleted.v1"), 0);
  ASSERT_EQ(Delete(id, 1).status, 204);
  EXPECT_EQ(api_.EventData("com.nedlia.advertiser.deleted.v1"),
            json({{"advertiser_id", id}, {"deleted_by", api_.AdminKeyId()}}));
  EXPECT_EQ(Delete(id, 1).status, 404);
  EXPECT_EQ(Patch(id, {{"name", "Ghost"}}, 1).status, 404);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.deleted.v1"), 1);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers WHERE deleted_at IS NOT NULL"), 1);
}

TEST_F(AdvertisersApiTest, KeysOfADeletedAdvertiserStopWorking) {
  const std::string id = Create();
  const std::string key = api_.AdvertiserKey(id);
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers/" + id, std::nullopt, {}, key).status, 200);
  ASSERT_EQ(Delete(id, 1).status, 204);
  const auto reply = api_.Call("GET", "/v1/products", std::nullopt, {}, key);
  EXPECT_EQ(reply.status, 401) << reply.raw;
}

TEST_F(AdvertisersApiTest, DeleteIsRefusedWhileLiveProductsOrCampaignsRemain) {
  const std::string id = Create();
  const std::string product = api_.QueryText(
      "INSERT INTO products (advertiser_id, name) VALUES ('" + id + "', 'Cola') RETURNING id");
  const auto refused = Delete(id, 1);
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_NE(refused.body["detail"].get<std::string>().find("products"), std::string::npos);
  api_.Sql().Execute("UPDATE products SET deleted_at = now()");
  api_.QueryText(
      "INSERT INTO campaigns (advertiser_id, name, budget, start_date, end_date) VALUES ('" + id +
      "', 'Summer', 100, '2026-06-01', '2026-08-31') RETURNING id");
  const auto campaigns = Delete(id, 1);
  EXPECT_EQ(campaigns.status, 409);
  EXPECT_NE(campaigns.body["detail"].get<std::string>().find("campaigns"), std::string::npos);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.deleted.v1"), 0);
  api_.Sql().Execute("UPDATE campaigns SET deleted_at = now()");
  EXPECT_EQ(Delete(id, 1).status, 204);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.deleted.v1"), 1);
}

TEST_F(AdvertisersApiTest, IdempotencyKeyReplaysTheFirstAnswer) {
  const std::vector<std::string> key = {"Idempotency-Key: 3b1f4c2e-advertiser-create"};
  const auto first = api_.Call("POST", "/v1/advertisers", Acme(), key);
  ASSERT_EQ(first.status, 201) << first.raw;
  const auto replay = api_.Call("POST", "/v1/advertisers", Acme(), key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(replay.Header("Location"), first.Header("Location"));
  const auto other = api_.Call("POST", "/v1/advertisers",
                               json{{"name", "Bolt"}, {"contact_email", "b@bolt.example"}}, key);
  EXPECT_EQ(other.status, 422);
  EXPECT_EQ(other.ErrorPointers(), "/headers/Idempotency-Key");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers"), 1);
  EXPECT_EQ(api_.EventCount("com.nedlia.advertiser.created.v1"), 1);
}

TEST_F(AdvertisersApiTest, RequestsWithoutAValidKeyAreUnauthenticated) {
  EXPECT_EQ(api_.Call("GET", "/v1/advertisers", std::nullopt, {}, "").status, 401);
  EXPECT_EQ(api_.Call("POST", "/v1/advertisers", Acme(), {}, "nedlia_bogus").status, 401);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM advertisers"), 0);
}

}  // namespace
}  // namespace nedlia::testing
