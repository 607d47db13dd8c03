#pragma once

#include "app/ports/advertiser_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// AdvertiserStore over PostgreSQL, inside the connection's open transaction.
class AdvertiserRows : public app::AdvertiserStore {
 public:
  explicit AdvertiserRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<domain::Advertiser> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<domain::Advertiser> List(const app::AdvertiserFilter& filter,
                                     const app::PageRequest& page) override;
  domain::Advertiser Insert(const domain::Advertiser& advertiser) override;
  domain::Advertiser Update(const domain::Advertiser& advertiser) override;
  app::AdvertiserDependents Dependents(const domain::Uuid& id) override;
  void SoftDelete(const domain::Uuid& id) override;
  std::optional<bool> LockForErasure(const domain::Uuid& id) override;
  void ErasePersonalData(const domain::Uuid& id) override;
  std::vector<domain::Uuid> DeletedAndNotErased(int days, int limit) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
