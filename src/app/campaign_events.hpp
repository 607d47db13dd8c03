#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "app/ports/event_outbox.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// The events of the campaign aggregate (com.nedlia.campaign.*.v1). Amounts are numbers in
/// the currency's major unit (1500.5), dates "YYYY-MM-DD", ids canonical UUID strings.

/// An exact amount as a JSON number.
nlohmann::json MoneyData(std::int64_t hundredths);

/// created: campaign_id, advertiser_id, name, budget, currency, start_date, end_date,
/// created_by.
NewEvent CampaignCreated(const domain::Campaign& campaign);
/// updated: campaign_id, changes, previous_version, new_version.
NewEvent CampaignUpdated(const domain::Campaign& campaign, nlohmann::json changes,
                         std::int32_t previous_version);
/// The status event of a move: draft → active is activated, paused → active resumed (a
/// consumer that starts billing on activation must not start it twice), → paused paused,
/// → completed completed. Data: campaign_id, advertiser_id, previous_status, version,
/// changed_by.
NewEvent CampaignStatusMoved(const domain::Campaign& campaign, domain::CampaignStatus from,
                             const domain::Uuid& changed_by);
/// deleted: campaign_id, advertiser_id, deleted_by.
NewEvent CampaignDeleted(const domain::Campaign& campaign, const domain::Uuid& deleted_by);
/// spent: campaign_id, amount, spent, budget.
NewEvent CampaignSpent(const domain::Campaign& campaign, std::int64_t amount_hundredths);
/// budget_exhausted: campaign_id, budget, spent, currency.
NewEvent CampaignBudgetExhausted(const domain::Campaign& campaign);
/// product_added: campaign_id, product_id, advertiser_id, added_by.
NewEvent CampaignProductAdded(const domain::Campaign& campaign, const domain::Uuid& product_id,
                              const domain::Uuid& added_by);
/// product_removed: campaign_id, product_id, advertiser_id, removed_by.
NewEvent CampaignProductRemoved(const domain::Campaign& campaign, const domain::Uuid& product_id,
                                const domain::Uuid& removed_by);

}  // namespace nedlia::app
