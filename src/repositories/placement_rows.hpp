#pragma once

#include <cstdint>
#include <optional>

#include "app/ports/placement_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// PlacementStore over PostgreSQL, inside the connection's open transaction.
class PlacementRows : public app::PlacementStore {
 public:
  explicit PlacementRows(pg::Connection& connection) : connection_(connection) {}

  app::PlacementTargets Targets(const domain::Uuid& video_id,
                                const domain::Uuid& product_id) override;
  std::optional<app::OwnedPlacement> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<app::OwnedPlacement> List(const app::PlacementFilter& filter,
                                      const app::PageRequest& page) override;
  domain::Placement Insert(const domain::Placement& placement) override;
  domain::Placement Update(const domain::Placement& placement) override;
  void SoftDelete(const domain::Uuid& id) override;

 private:
  /// now() of the transaction, in ms since the epoch: the created_at/updated_at the database
  /// gives a new row. Learned from Targets, else asked once.
  std::int64_t TransactionTimeMs();

  pg::Connection& connection_;
  std::optional<std::int64_t> transaction_time_ms_;
};

}  // namespace nedlia::repositories
