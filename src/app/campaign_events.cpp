#include "app/campaign_events.hpp"

#include <stdexcept>

#include "domain/decimal.hpp"
#include "domain/money.hpp"

namespace nedlia::app {
namespace {

NewEvent Event(std::string name, const domain::Campaign& campaign, nlohmann::json data) {
  return {.type = "com.nedlia.campaign." + std::move(name) + ".v1",
          .aggregate_type = "campaign",
          .aggregate_id = campaign.id,
          .advertiser_id = campaign.advertiser_id,
          .data = std::move(data)};
}

std::string StatusEventName(domain::CampaignStatus from, domain::CampaignStatus to) {
  using enum domain::CampaignStatus;
  switch (to) {
    case kActive:
      return from == kPaused ? "resumed" : "activated";
    case kPaused:
      return "paused";
    case kCompleted:
      return "completed";
    case kDraft:
      break;
  }
  // CanMove never leads back to draft; reaching here is a bug.
  throw std::logic_error("no campaign event for a move to draft");
}

}  // namespace

nlohmann::json MoneyData(std::int64_t hundredths) {
  return domain::ToDouble(hundredths, domain::kMoneyDecimals);
}

NewEvent CampaignCreated(const domain::Campaign& campaign) {
  nlohmann::json data = {{"campaign_id", campaign.id.ToString()},
                         {"advertiser_id", campaign.advertiser_id.ToString()},
                         {"name", campaign.name},
                         {"budget", MoneyData(campaign.budget_hundredths)},
                         {"currency", campaign.currency},
                         {"start_date", campaign.start_date.ToString()},
                         {"end_date", campaign.end_date.ToString()}};
  if (campaign.audit.created_by)
    data["created_by"] = campaign.audit.created_by->ToString();
  return Event("created", campaign, std::move(data));
}

NewEvent CampaignUpdated(const domain::Campaign& campaign, nlohmann::json changes,
                         std::int32_t previous_version) {
  return Event("updated", campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"changes", std::move(changes)},
                {"previous_version", previous_version},
                {"new_version", campaign.audit.version}});
}

NewEvent CampaignStatusMoved(const domain::Campaign& campaign, domain::CampaignStatus from,
                             const domain::Uuid& changed_by) {
  return Event(StatusEventName(from, campaign.status), campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"advertiser_id", campaign.advertiser_id.ToString()},
                {"previous_status", domain::ToString(from)},
                {"version", campaign.audit.version},
                {"changed_by", changed_by.ToString()}});
}

NewEvent CampaignDeleted(const domain::Campaign& campaign, const domain::Uuid& deleted_by) {
  return Event("deleted", campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"advertiser_id", campaign.advertiser_id.ToString()},
                {"deleted_by", deleted_by.ToString()}});
}

NewEvent CampaignSpent(const domain::Campaign& campaign, std::int64_t amount_hundredths) {
  return Event("spent", campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"amount", MoneyData(amount_hundredths)},
                {"spent", MoneyData(campaign.spent_hundredths)},
                {"budget", MoneyData(campaign.budget_hundredths)}});
}

NewEvent CampaignBudgetExhausted(const domain::Campaign& campaign) {
  return Event("budget_exhausted", campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"budget", MoneyData(campaign.budget_hundredths)},
                {"spent", MoneyData(campaign.spent_hundredths)},
                {"currency", campaign.currency}});
}

NewEvent CampaignProductAdded(const domain::Campaign& campaign, const domain::Uuid& product_id,
                              const domain::Uuid& added_by) {
  return Event("product_added", campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"product_id", product_id.ToString()},
                {"advertiser_id", campaign.advertiser_id.ToString()},
                {"added_by", added_by.ToString()}});
}

NewEvent CampaignProductRemoved(const domain::Campaign& campaign, const domain::Uuid& product_id,
                                const domain::Uuid& removed_by) {
  return Event("product_removed", campaign,
               {{"campaign_id", campaign.id.ToString()},
                {"product_id", product_id.ToString()},
                {"advertiser_id", campaign.advertiser_id.ToString()},
                {"removed_by", removed_by.ToString()}});
}

}  // namespace nedlia::app
