#pragma once

#include "app/ports/campaign_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// CampaignStore over PostgreSQL, inside the connection's open transaction.
class CampaignRows : public app::CampaignStore {
 public:
  explicit CampaignRows(pg::Connection& connection) : connection_(connection) {}

  bool AdvertiserExists(const domain::Uuid& advertiser_id) override;
  std::optional<domain::Campaign> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<domain::Campaign> List(const app::CampaignFilter& filter,
                                   const app::PageRequest& page) override;
  domain::Campaign Insert(const domain::Campaign& campaign) override;
  domain::Campaign Update(const domain::Campaign& campaign) override;
  void SoftDelete(const domain::Uuid& id) override;
  std::optional<domain::Campaign> AddSpend(const domain::Uuid& id,
                                           std::int64_t amount_hundredths) override;

  std::optional<domain::Uuid> ProductOwner(const domain::Uuid& product_id) override;
  std::optional<app::CampaignProduct> Link(const domain::Uuid& campaign_id,
                                           const domain::Uuid& product_id) override;
  std::optional<app::CampaignProduct> FindLink(const domain::Uuid& campaign_id,
                                               const domain::Uuid& product_id) override;
  bool Unlink(const domain::Uuid& campaign_id, const domain::Uuid& product_id) override;
  app::Page<app::CampaignProduct> Products(const domain::Uuid& campaign_id,
                                           const app::PageRequest& page) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
