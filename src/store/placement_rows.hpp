#pragma once

#include "app/ports/placement_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::store {

/// PlacementStore over PostgreSQL, inside the connection's open transaction.
class PlacementRows : public app::PlacementStore {
 public:
  explicit PlacementRows(pg::Connection& connection) : connection_(connection) {}

  app::PlacementTargets Targets(const domain::Uuid& video_id,
                                const domain::Uuid& product_id) override;
  std::optional<app::OwnedPlacement> Find(const domain::Uuid& id, bool for_update) override;
  app::Page<app::OwnedPlacement> List(const app::PlacementFilter& filter,
                                      const app::PageRequest& page) override;
  domain::Placement Insert(const domain::Placement& placement) override;
  domain::Placement Update(const domain::Placement& placement) override;
  void SoftDelete(const domain::Uuid& id) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::store
