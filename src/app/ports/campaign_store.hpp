#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

struct CampaignFilter {
  std::optional<domain::Uuid> advertiser_id;
  std::optional<domain::CampaignStatus> status;
};

/// A product a campaign promotes, as listed under the campaign.
struct CampaignProduct {
  domain::Uuid campaign_id;
  domain::Uuid product_id;
  std::string product_name;
  domain::TimestampMs linked_at = 0;
};

/// Campaigns and the products they promote in the system of record, within the caller's
/// transaction.
class CampaignStore {
 public:
  virtual ~CampaignStore() = default;

  /// True when a live advertiser has this id; locks it (shared) against a concurrent delete.
  virtual bool AdvertiserExists(const domain::Uuid& advertiser_id) = 0;
  /// A live campaign.
  virtual std::optional<domain::Campaign> Find(const domain::Uuid& id, RowLock lock) = 0;
  virtual Page<domain::Campaign> List(const CampaignFilter& filter, const PageRequest& page) = 0;
  /// Inserts and returns the stored row (with database defaults).
  virtual domain::Campaign Insert(const domain::Campaign& campaign) = 0;
  /// Writes name, budget, currency, status and dates (never spent); returns the stored row.
  virtual domain::Campaign Update(const domain::Campaign& campaign) = 0;
  virtual void SoftDelete(const domain::Uuid& id) = 0;
  /// Adds `amount_hundredths` to spent in one statement, only while the campaign is live,
  /// active and the new total stays within its budget; nullopt when any of those fails. Atomic
  /// under concurrency: concurrent spends can never carry spent past budget together.
  virtual std::optional<domain::Campaign> AddSpend(const domain::Uuid& id,
                                                   std::int64_t amount_hundredths) = 0;

  /// The advertiser of a live product; locks it (shared) against a concurrent delete.
  virtual std::optional<domain::Uuid> ProductOwner(const domain::Uuid& product_id) = 0;
  /// Links the product to the campaign; nullopt when it was already linked.
  virtual std::optional<CampaignProduct> Link(const domain::Uuid& campaign_id,
                                              const domain::Uuid& product_id) = 0;
  /// The link of a live product, if there is one.
  virtual std::optional<CampaignProduct> FindLink(const domain::Uuid& campaign_id,
                                                  const domain::Uuid& product_id) = 0;
  /// Removes the link to a live product; false when there was none.
  virtual bool Unlink(const domain::Uuid& campaign_id, const domain::Uuid& product_id) = 0;
  /// The campaign's live products in product id order.
  virtual Page<CampaignProduct> Products(const domain::Uuid& campaign_id,
                                         const PageRequest& page) = 0;
};

}  // namespace nedlia::app
