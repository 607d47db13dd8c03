#pragma once
// The fixture of the /v1/campaigns suites: two advertisers with a product each, and helpers
// for the requests they make.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "support/api_fixture.hpp"

namespace nedlia::testing {

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

  nlohmann::json Campaign(double budget = 1500.5) const {
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

  ApiReply Patch(const std::string& id, const nlohmann::json& body, int version,
                 const std::optional<std::string>& key = std::nullopt) {
    return api_.Patch("/v1/campaigns/" + id, body, version, key);
  }

  /// Creates an active campaign; it is then at version 2.
  std::string CreateActive(double budget = 1500.5) {
    const std::string id = Create(budget);
    const auto reply = Patch(id, {{"status", "active"}}, 1);
    EXPECT_EQ(reply.status, 200) << reply.raw;
    return id;
  }

  ApiReply Spend(const std::string& id, const nlohmann::json& amount,
                 const std::vector<std::string>& headers = {},
                 const std::optional<std::string>& key = std::nullopt) {
    return api_.Call("POST", "/v1/campaigns/" + id + "/spend", nlohmann::json{{"amount", amount}},
                     headers, key);
  }

  /// The data of every event of `type`, oldest first.
  std::vector<nlohmann::json> Events(const std::string& type) {
    std::vector<nlohmann::json> events;
    for (const pg::Row& row :
         api_.Sql().Execute("SELECT data::text FROM event_log WHERE event_type = $1 ORDER BY "
                            "position",
                            pg::Params(type))) {
      events.push_back(nlohmann::json::parse(row[0].As<std::string>()));
    }
    return events;
  }

  ApiFixture api_;
  std::string advertiser_, other_advertiser_, product_, other_product_;
};

inline const std::string kCampaignCreated = "com.nedlia.campaign.created.v1";
inline const std::string kCampaignUpdated = "com.nedlia.campaign.updated.v1";
inline const std::string kCampaignActivated = "com.nedlia.campaign.activated.v1";
inline const std::string kCampaignResumed = "com.nedlia.campaign.resumed.v1";
inline const std::string kCampaignPaused = "com.nedlia.campaign.paused.v1";
inline const std::string kCampaignCompleted = "com.nedlia.campaign.completed.v1";
inline const std::string kCampaignDeleted = "com.nedlia.campaign.deleted.v1";
inline const std::string kCampaignSpent = "com.nedlia.campaign.spent.v1";
inline const std::string kCampaignExhausted = "com.nedlia.campaign.budget_exhausted.v1";
inline const std::string kCampaignProductAdded = "com.nedlia.campaign.product_added.v1";
inline const std::string kCampaignProductRemoved = "com.nedlia.campaign.product_removed.v1";

}  // namespace nedlia::testing
