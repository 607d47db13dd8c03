#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// The fields a client sets when it creates a campaign. spent is not among them: it starts at
/// zero and only spends move it.
struct NewCampaign {
  std::optional<domain::Uuid> advertiser_id;  ///< an advertiser key may omit it: its own
  std::string name;
  std::int64_t budget_hundredths = 0;
  std::string currency = "USD";
  domain::CampaignStatus status = domain::CampaignStatus::kDraft;
  domain::Date start_date;
  domain::Date end_date;
};

/// A partial update: an empty member leaves the field alone.
struct CampaignPatch {
  std::optional<std::string> name;
  std::optional<std::int64_t> budget_hundredths;
  std::optional<std::string> currency;
  std::optional<domain::Date> start_date;
  std::optional<domain::Date> end_date;
  std::optional<domain::CampaignStatus> status;
};

/// A product linked to a campaign, and whether this call linked it.
struct CampaignProductLink {
  CampaignProduct link;
  bool created = false;
};

/// Creates a draft campaign and emits com.nedlia.campaign.created.v1.
domain::Campaign CreateCampaign(Transaction& tx, const CallContext& context,
                                const NewCampaign& input);
/// A live campaign the caller may see.
domain::Campaign GetCampaign(Transaction& tx, const Principal& caller, const domain::Uuid& id);
/// Live campaigns the caller may see, filtered.
Page<domain::Campaign> ListCampaigns(Transaction& tx, const Principal& caller,
                                     CampaignFilter filter, const PageRequest& page);
/// Applies `patch` when `expected_version` is current. Emits com.nedlia.campaign.updated.v1
/// when a field other than status changed, and one status event (activated, resumed, paused,
/// completed) when the status moved.
domain::Campaign UpdateCampaign(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                                std::int32_t expected_version, const CampaignPatch& patch);
/// Soft-deletes when `expected_version` is current; emits com.nedlia.campaign.deleted.v1.
void DeleteCampaign(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                    std::int32_t expected_version);
/// Records a spend of an active campaign atomically (never past its budget); emits
/// com.nedlia.campaign.spent.v1, and com.nedlia.campaign.budget_exhausted.v1 when the spend
/// uses up the budget exactly.
domain::Campaign SpendOnCampaign(Transaction& tx, const CallContext& context,
                                 const domain::Uuid& id, std::int64_t amount_hundredths);

/// The live products a campaign the caller may see promotes.
Page<CampaignProduct> ListCampaignProducts(Transaction& tx, const Principal& caller,
                                           const domain::Uuid& campaign_id,
                                           const PageRequest& page);
/// Links a live product of the campaign's advertiser (idempotent); emits
/// com.nedlia.campaign.product_added.v1 only when the link is new.
CampaignProductLink AddCampaignProduct(Transaction& tx, const CallContext& context,
                                       const domain::Uuid& campaign_id,
                                       const domain::Uuid& product_id);
/// Removes a link; emits com.nedlia.campaign.product_removed.v1. kNotFound when not linked.
void RemoveCampaignProduct(Transaction& tx, const CallContext& context,
                           const domain::Uuid& campaign_id, const domain::Uuid& product_id);

}  // namespace nedlia::app
