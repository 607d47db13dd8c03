// /v1/products end to end: the real server and middleware over a fresh database.
#include <gtest/gtest.h>

#include <set>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class ProductsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    advertiser_ = api_.QueryText(
        "INSERT INTO advertisers (name, contact_email) VALUES ('Acme', 'ads@acme.example') "
        "RETURNING id");
    other_advertiser_ = api_.QueryText(
        "INSERT INTO advertisers (name, contact_email) VALUES ('Bolt', 'b@bolt.example') "
        "RETURNING id");
  }

  json Cola() const { return {{"advertiser_id", advertiser_}, {"name", "Cola"}}; }

  /// Creates a product (admin key by default) and returns its id.
  std::string Create(const json& body, const std::optional<std::string>& key = std::nullopt) {
    const auto reply = api_.Call("POST", "/v1/products", body, {}, key);
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.status == 201 ? reply.Id() : "";
  }

  ApiReply Patch(const std::string& id, const json& body, int version,
                 const std::optional<std::string>& key = std::nullopt) {
    return api_.Patch("/v1/products/" + id, body, version, key);
  }

  ApiReply Delete(const std::string& id, int version,
                  const std::optional<std::string>& key = std::nullopt) {
    return api_.Delete("/v1/products/" + id, version, key);
  }

  ApiFixture api_;
  std::string advertiser_, other_advertiser_;
};

TEST_F(ProductsApiTest, CreateReturnsTheProductWithItsETagAndEmitsItsEvent) {
  json body = Cola();
  body["description"] = "Fizzy";
  body["category"] = "beverages";
  body["assets"] = json::array({{{"kind", "logo"}, {"url", "s3://brand/cola.png"}}});
  const auto created = api_.Call("POST", "/v1/products", body);
  ASSERT_EQ(created.status, 201) << created.raw;
  const json& data = created.body["data"];
  EXPECT_EQ(data["advertiser_id"], advertiser_);
  EXPECT_EQ(data["name"], "Cola");
  EXPECT_EQ(data["description"], "Fizzy");
  EXPECT_EQ(data["category"], "beverages");
  EXPECT_EQ(data["assets"], body["assets"]);
  EXPECT_EQ(data["version"], 1);
  EXPECT_EQ(data["created_by"], api_.AdminKeyId());
  EXPECT_EQ(created.Header("ETag"), "\"1\"");
  EXPECT_EQ(created.Header("Location"), "/v1/products/" + created.Id());
  ASSERT_EQ(api_.EventCount("com.nedlia.product.created.v1"), 1);
  EXPECT_EQ(api_.EventData("com.nedlia.product.created.v1"),
            json({{"product_id", created.Id()},
                  {"advertiser_id", advertiser_},
                  {"name", "Cola"},
                  {"category", "beverages"},
                  {"created_by", api_.AdminKeyId()}}));
  EXPECT_EQ(api_.QueryText("SELECT aggregate_type FROM event_log"), "product");
}

TEST_F(ProductsApiTest, AListPageEndsPastAMegabyteAndTheCursorGoesOnFromThere) {
  // 20 products of 60 kB of assets each: 1.2 MB in one page of 200 otherwise.
  std::vector<std::string> created;
  for (int i = 0; i < 20; ++i) {
    json body = Cola();
    body["assets"] = json::array({{{"url", std::string(60 * 1024, 'a')}, {"n", i}}});
    created.push_back(Create(body));
  }
  const auto first = api_.Call("GET", "/v1/products?limit=200");
  ASSERT_EQ(first.status, 200) << first.raw.substr(0, 200);
  EXPECT_LT(first.body["data"].size(), 20u);
  EXPECT_LE(first.raw.size(), 1024u * 1024u + 4096u);
  std::vector<std::string> seen;
  std::string path = "/v1/products?limit=200";
  for (int pages = 0; pages < 20; ++pages) {
    const auto page = api_.Call("GET", path);
    ASSERT_EQ(page.status, 200);
    for (const json& product : page.body["data"])
      seen.push_back(product["id"]);
    if (page.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/products?limit=200&cursor=" + page.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, created);  // every product once, in id order
}

TEST_F(ProductsApiTest, OptionalFieldsDefaultToNullAndAnEmptyAssetList) {
  const auto created = api_.Call("POST", "/v1/products", Cola());
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_TRUE(created.body["data"]["description"].is_null());
  EXPECT_TRUE(created.body["data"]["category"].is_null());
  EXPECT_EQ(created.body["data"]["assets"], json::array());
  EXPECT_TRUE(api_.EventData("com.nedlia.product.created.v1")["category"].is_null());
}

TEST_F(ProductsApiTest, AdminMustNameALiveAdvertiser) {
  const auto missing = api_.Call("POST", "/v1/products", json{{"name", "Cola"}});
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.ErrorPointers(), "/advertiser_id");
  const auto unknown =
      api_.Call("POST", "/v1/products",
                json{{"advertiser_id", "0190f6d2-7a3e-7c4b-8d5e-0123456789ab"}, {"name", "Cola"}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.ErrorPointers(), "/advertiser_id");
  EXPECT_EQ(unknown.body["errors"][0]["detail"], "no such advertiser");
  api_.Sql().Execute("UPDATE advertisers SET deleted_at = now() WHERE id = $1",
                     pg::Params(other_advertiser_));
  const auto deleted = api_.Call("POST", "/v1/products",
                                 json{{"advertiser_id", other_advertiser_}, {"name", "Soda"}});
  EXPECT_EQ(deleted.status, 422);
  EXPECT_EQ(deleted.ErrorPointers(), "/advertiser_id");
  EXPECT_EQ(api_.Count("SELECT count(*) FROM products"), 0);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 0);
}

TEST_F(ProductsApiTest, SuspendedAdvertisersMayStillAddProducts) {
  api_.Sql().Execute("UPDATE advertisers SET status = 'suspended' WHERE id = $1",
                     pg::Params(advertiser_));
  EXPECT_EQ(api_.Call("POST", "/v1/products", Cola()).status, 201);
}

TEST_F(ProductsApiTest, AdvertiserKeyCreatesForItsOwnAdvertiserOnly) {
  const std::string key = api_.AdvertiserKey(advertiser_);
  const auto implicit = api_.Call("POST", "/v1/products", json{{"name", "Cola"}}, {}, key);
  ASSERT_EQ(implicit.status, 201) << implicit.raw;
  EXPECT_EQ(implicit.body["data"]["advertiser_id"], advertiser_);
  EXPECT_EQ(api_.Call("POST", "/v1/products", Cola(), {}, key).status, 201);
  const auto foreign =
      api_.Call("POST", "/v1/products",
                json{{"advertiser_id", other_advertiser_}, {"name", "Soda"}}, {}, key);
  EXPECT_EQ(foreign.status, 422) << foreign.raw;
  EXPECT_EQ(foreign.ErrorPointers(), "/advertiser_id");
  EXPECT_EQ(foreign.body["errors"][0]["detail"], "no such advertiser");
  // Answered exactly like an advertiser that does not exist, even beside other bad fields.
  const auto foreign_and_bad = api_.Call(
      "POST", "/v1/products", json{{"advertiser_id", other_advertiser_}, {"name", ""}}, {}, key);
  EXPECT_EQ(foreign_and_bad.ErrorPointers(), "/name");
  EXPECT_EQ(
      api_.Count("SELECT count(*) FROM products WHERE advertiser_id = '" + other_advertiser_ + "'"),
      0);
  EXPECT_EQ(api_.EventCount("com.nedlia.product.created.v1"), 2);
}

TEST_F(ProductsApiTest, BadInputNamesEveryFieldAndWritesNothing) {
  struct Case {
    std::string body;
    std::string pointers;
  };
  const std::string ok = R"("advertiser_id":")" + advertiser_ + R"(","name":"Cola")";
  std::string deep = "[]";
  for (int i = 0; i < 40; ++i)
    deep = "[" + deep + "]";
  const std::vector<Case> cases = {
      {"{", ""},
      {"[]", ""},
      {"{}", "/advertiser_id /name"},
      {R"({"advertiser_id":"nope","name":7})", "/advertiser_id /name"},
      {R"({"advertiser_id":7,"name":"Cola"})", "/advertiser_id"},
      {R"({"advertiser_id":")" + advertiser_ + R"(","name":")" + std::string(256, 'n') + "\"}",
       "/name"},
      {R"({"advertiser_id":")" + advertiser_ + R"(","name":" "})", "/name"},
      {"{" + ok + R"(,"description":")" + std::string(10'001, 'd') + "\"}", "/description"},
      {"{" + ok + R"(,"description":5})", "/description"},
      {"{" + ok + R"(,"category":")" + std::string(101, 'c') + "\"}", "/category"},
      {"{" + ok + R"(,"category":""})", "/category"},
      {"{" + ok + R"(,"assets":{"logo":"x"}})", "/assets"},
      {"{" + ok + R"(,"assets":"logo.png"})", "/assets"},
      {"{" + ok + R"(,"assets":["\u0000"]})", "/assets"},
      {"{" + ok + R"(,"assets":)" + deep + "}", "/assets"},
      {"{" + ok + R"(,"assets":[1e400]})", ""},
      {"{" + ok + R"(,"colour":"red"})", "/colour"},
      {"{" + ok + R"(,"version":2})", "/version"},
  };
  for (const auto& test : cases) {
    const auto reply = api_.CallRaw("POST", "/v1/products", test.body);
    EXPECT_TRUE(reply.status == 400 || reply.status == 422) << test.body << " -> " << reply.raw;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << test.body;
    if (!test.pointers.empty()) {
      EXPECT_EQ(reply.ErrorPointers(), test.pointers) << test.body;
    }
  }
  EXPECT_EQ(api_.Count("SELECT count(*) FROM products"), 0);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 0);
}

TEST_F(ProductsApiTest, GetAndListShowLiveProductsOnly) {
  const std::string first = Create(Cola());
  const std::string second = Create({{"advertiser_id", advertiser_}, {"name", "Lemonade"}});
  const auto got = api_.Call("GET", "/v1/products/" + first);
  ASSERT_EQ(got.status, 200) << got.raw;
  EXPECT_EQ(got.Header("ETag"), "\"1\"");
  EXPECT_EQ(got.body["data"]["name"], "Cola");
  ASSERT_EQ(Delete(first, 1).status, 204);
  EXPECT_EQ(api_.Call("GET", "/v1/products/" + first).status, 404);
  EXPECT_EQ(api_.Call("GET", "/v1/products/nope").status, 404);
  const auto list = api_.Call("GET", "/v1/products");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["data"].size(), 1U);
  EXPECT_EQ(list.body["data"][0]["id"], second);
}

TEST_F(ProductsApiTest, ListFiltersByAdvertiserAndCategory) {
  const std::string drink =
      Create({{"advertiser_id", advertiser_}, {"name", "Cola"}, {"category", "beverages"}});
  const std::string snack =
      Create({{"advertiser_id", advertiser_}, {"name", "Chips"}, {"category", "snacks"}});
  const std::string soda =
      Create({{"advertiser_id", other_advertiser_}, {"name", "Soda"}, {"category", "beverages"}});
  auto ids = [&](const std::string& query) {
    const auto reply = api_.Call("GET", "/v1/products" + query);
    EXPECT_EQ(reply.status, 200) << query << " -> " << reply.raw;
    std::set<std::string> found;
    for (const auto& item : reply.body["data"])
      found.insert(item["id"].get<std::string>());
    return found;
  };
  EXPECT_EQ(ids("?advertiser_id=" + advertiser_), (std::set<std::string>{drink, snack}));
  EXPECT_EQ(ids("?category=beverages"), (std::set<std::string>{drink, soda}));
  EXPECT_EQ(ids("?category=beverages&advertiser_id=" + other_advertiser_),
            (std::set<std::string>{soda}));
  EXPECT_EQ(ids("?category=toys"), std::set<std::string>{});
  EXPECT_EQ(api_.Call("GET", "/v1/products?advertiser_id=nope").ErrorPointers(),
            "/query/advertiser_id");
  EXPECT_EQ(api_.Call("GET", "/v1/products?category=%FF").ErrorPointers(), "/query/category");
  EXPECT_EQ(api_.Call("GET", "/v1/products?category=").ErrorPointers(), "/query/category");
}

TEST_F(ProductsApiTest, CursorPagesVisitEveryProductOnceWhileRowsAreInserted) {
  for (int i = 0; i < 5; ++i)
    Create(Cola());
  std::set<std::string> seen;
  std::string path = "/v1/products?limit=2";
  for (int page = 0; page < 10; ++page) {
    const auto reply = api_.Call("GET", path);
    ASSERT_EQ(reply.status, 200) << reply.raw;
    for (const auto& item : reply.body["data"])
      EXPECT_TRUE(seen.insert(item["id"].get<std::string>()).second);
    if (page == 0)
      Create(Cola());
    if (reply.body["meta"]["next_cursor"].is_null())
      break;
    path = "/v1/products?limit=2&cursor=" + reply.body["meta"]["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 6U);
}

TEST_F(ProductsApiTest, PatchNeedsTheCurrentVersionAndEmitsTheChanges) {
  json body = Cola();
  body["category"] = "beverages";
  body["description"] = "Fizzy";
  const std::string id = Create(body);
  const std::string path = "/v1/products/" + id;
  const json change = {{"name", "Cola Zero"},
                       {"description", nullptr},
                       {"category", nullptr},
                       {"assets", json::array({"s3://brand/zero.png"})}};
  EXPECT_EQ(api_.Call("PATCH", path, change).status, 428);
  EXPECT_EQ(Patch(id, change, 2).status, 412);
  EXPECT_EQ(api_.EventCount("com.nedlia.product.updated.v1"), 0);
  const auto patched = Patch(id, change, 1);
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.Header("ETag"), "\"2\"");
  EXPECT_EQ(patched.body["data"]["name"], "Cola Zero");
  EXPECT_TRUE(patched.body["data"]["description"].is_null());
  EXPECT_TRUE(patched.body["data"]["category"].is_null());
  EXPECT_EQ(patched.body["data"]["assets"], change["assets"]);
  EXPECT_EQ(patched.body["data"]["advertiser_id"], advertiser_);
  EXPECT_EQ(
      api_.EventData("com.nedlia.product.updated.v1"),
      json({{"product_id", id}, {"changes", change}, {"previous_version", 1}, {"new_version", 2}}));
  const auto same = Patch(id, change, 2);
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(same.body["data"]["version"], 2);
  EXPECT_EQ(api_.EventCount("com.nedlia.product.updated.v1"), 1);
}

TEST_F(ProductsApiTest, BadPatchesNameTheFieldAndWriteNothing) {
  const std::string id = Create(Cola());
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"advertiser_id", other_advertiser_}}, "/advertiser_id"},
      {{{"advertiser_id", advertiser_}}, "/advertiser_id"},
      {{{"name", nullptr}}, "/name"},
      {{{"name", ""}}, "/name"},
      {{{"category", ""}}, "/category"},
      {{{"category", std::string(101, 'c')}}, "/category"},
      {{{"description", std::string(10'001, 'd')}}, "/description"},
      {{{"assets", nullptr}}, "/assets"},
      {{{"assets", {{"logo", "x"}}}}, "/assets"},
      {{{"id", id}, {"version", 3}}, "/id /version"},
      {{{"colour", "red"}}, "/colour"},
  };
  for (const auto& [body, pointers] : cases) {
    const auto reply = Patch(id, body, 1);
    EXPECT_EQ(reply.status, 422) << body << " -> " << reply.raw;
    EXPECT_EQ(reply.ErrorPointers(), pointers) << body;
  }
  const auto immutable = Patch(id, {{"advertiser_id", other_advertiser_}}, 1);
  EXPECT_EQ(immutable.body["errors"][0]["detail"], "cannot be changed");
  EXPECT_EQ(api_.QueryText("SELECT version::text FROM products"), "1");
  EXPECT_EQ(api_.QueryText("SELECT advertiser_id::text FROM products"), advertiser_);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 1);  // the creation
}

TEST_F(ProductsApiTest, DeleteIsRefusedWhileActivePlacementsShowTheProduct) {
  const std::string id = Create(Cola());
  const std::string video = api_.QueryText(
      "INSERT INTO videos (title, duration, status) VALUES ('Trailer', 60, 'ready') RETURNING id");
  const auto placement = api_.Call("POST", "/v1/placements",
                                   json{{"video_id", video},
                                        {"product_id", id},
                                        {"time_range", {{"start_time", 0}, {"end_time", 5}}}});
  ASSERT_EQ(placement.status, 201) << placement.raw;
  const auto refused = Delete(id, 1);
  EXPECT_EQ(refused.status, 409) << refused.raw;
  EXPECT_EQ(api_.EventCount("com.nedlia.product.deleted.v1"), 0);
  api_.Sql().Execute("UPDATE placements SET status = 'archived'");
  EXPECT_EQ(api_.Call("DELETE", "/v1/products/" + id).status, 428);
  EXPECT_EQ(Delete(id, 2).status, 412);
  const auto deleted = Delete(id, 1);
  ASSERT_EQ(deleted.status, 204) << deleted.raw;
  EXPECT_EQ(
      api_.EventData("com.nedlia.product.deleted.v1"),
      json(
          {{"product_id", id}, {"advertiser_id", advertiser_}, {"deleted_by", api_.AdminKeyId()}}));
  EXPECT_EQ(Delete(id, 1).status, 404);
  EXPECT_EQ(Patch(id, {{"name", "Ghost"}}, 1).status, 404);
  EXPECT_EQ(api_.EventCount("com.nedlia.product.deleted.v1"), 1);
}

TEST_F(ProductsApiTest, AdvertiserKeyNeverSeesOrChangesAnotherAdvertisersProducts) {
  const std::string mine = Create(Cola());
  const std::string theirs = Create({{"advertiser_id", other_advertiser_}, {"name", "Soda"}});
  const std::string key = api_.AdvertiserKey(advertiser_);

  EXPECT_EQ(api_.Call("GET", "/v1/products/" + theirs, std::nullopt, {}, key).status, 404);
  EXPECT_EQ(Patch(theirs, {{"name", "Mine now"}}, 1, key).status, 404);
  EXPECT_EQ(Delete(theirs, 1, key).status, 404);
  const auto list = api_.Call("GET", "/v1/products", std::nullopt, {}, key);
  ASSERT_EQ(list.body["data"].size(), 1U);
  EXPECT_EQ(list.body["data"][0]["id"], mine);
  const auto filtered =
      api_.Call("GET", "/v1/products?advertiser_id=" + other_advertiser_, std::nullopt, {}, key);
  EXPECT_EQ(filtered.status, 200);
  EXPECT_EQ(filtered.body["data"].size(), 0U);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_log"), 2);  // the two creations
  EXPECT_EQ(api_.QueryText("SELECT name FROM products WHERE id = '" + theirs + "'"), "Soda");

  EXPECT_EQ(api_.Call("GET", "/v1/products/" + mine, std::nullopt, {}, key).status, 200);
  const auto renamed = Patch(mine, {{"name", "Cola Classic"}}, 1, key);
  ASSERT_EQ(renamed.status, 200) << renamed.raw;
  EXPECT_EQ(Delete(mine, 2, key).status, 204);
  EXPECT_EQ(api_.EventCount("com.nedlia.product.deleted.v1"), 1);
}

TEST_F(ProductsApiTest, IdempotencyKeyReplaysTheFirstAnswer) {
  const std::vector<std::string> key = {"Idempotency-Key: product-create-1"};
  const auto first = api_.Call("POST", "/v1/products", Cola(), key);
  ASSERT_EQ(first.status, 201) << first.raw;
  const auto replay = api_.Call("POST", "/v1/products", Cola(), key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.raw, first.raw);
  EXPECT_EQ(replay.Header("Idempotent-Replayed"), "true");
  const auto other = api_.Call("POST", "/v1/products",
                               json{{"advertiser_id", advertiser_}, {"name", "Soda"}}, key);
  EXPECT_EQ(other.status, 422);
  // Keys belong to their caller: another key may use the same one.
  const std::string advertiser_key = api_.AdvertiserKey(advertiser_);
  EXPECT_EQ(api_.Call("POST", "/v1/products", Cola(), key, advertiser_key).status, 201);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM products"), 2);
  EXPECT_EQ(api_.EventCount("com.nedlia.product.created.v1"), 2);
}

}  // namespace
}  // namespace nedlia::testing
