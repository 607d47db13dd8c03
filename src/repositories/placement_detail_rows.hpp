#pragma once

#include "app/ports/placement_detail_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// PlacementDetailStore over the placement_details table, inside the connection's transaction.
class PlacementDetailRows : public app::PlacementDetailStore {
 public:
  explicit PlacementDetailRows(pg::Connection& connection) : connection_(connection) {}

  app::Page<app::PlacementDetail> List(const app::PlacementDetailFilter& filter,
                                       const app::PageRequest& page) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
