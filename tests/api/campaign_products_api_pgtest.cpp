// /v1/campaigns/{id}/products end to end: linking the advertiser's live products, paging
// them, and what another advertiser's key may not see or change.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api/campaigns_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

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
  const auto added = Events(kCampaignProductAdded);
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
  const auto removed = Events(kCampaignProductRemoved);
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
  EXPECT_EQ(api_.EventCount(kCampaignProductAdded), 1);
  EXPECT_EQ(api_.EventCount(kCampaignProductRemoved), 0);
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
  EXPECT_EQ(api_.EventCount(kCampaignSpent) + api_.EventCount(kCampaignUpdated) +
                api_.EventCount(kCampaignDeleted) + api_.EventCount(kCampaignProductRemoved),
            0);

  const std::string owner = api_.AdvertiserKey(advertiser_);
  EXPECT_EQ(api_.Call("GET", path, std::nullopt, {}, owner).status, 200);
  EXPECT_EQ(api_.Call("GET", "/v1/campaigns", std::nullopt, {}, owner).body["data"].size(), 1U);
  EXPECT_EQ(Spend(id, 1, {}, owner).status, 200);
}

}  // namespace
}  // namespace nedlia::testing
