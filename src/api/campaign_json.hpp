#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/campaign_commands.hpp"

namespace nedlia::api {

/// A campaign as the API shows it: the specification's columns, amounts as numbers in the
/// currency's major unit (1500.5), dates "YYYY-MM-DD".
nlohmann::json CampaignJson(const domain::Campaign& campaign);
/// A product a campaign promotes: campaign_id, product_id, product_name, linked_at.
nlohmann::json CampaignProductJson(const app::CampaignProduct& link);

/// The body of POST /v1/campaigns; throws app::Error kInvalidInput naming every bad field.
app::NewCampaign ReadNewCampaign(std::string_view body);
/// The body of PATCH /v1/campaigns/{id}.
app::CampaignPatch ReadCampaignPatch(std::string_view body);
/// The body of POST /v1/campaigns/{id}/spend ({"amount": 12.34}), as hundredths.
std::int64_t ReadSpendAmount(std::string_view body);

}  // namespace nedlia::api
