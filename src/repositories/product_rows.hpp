#pragma once

#include "app/ports/product_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// ProductStore over PostgreSQL, inside the connection's open transaction.
class ProductRows : public app::ProductStore {
 public:
  explicit ProductRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<domain::Product> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<domain::Product> List(const app::ProductFilter& filter,
                                  const app::PageRequest& page) override;
  domain::Product Insert(const domain::Product& product) override;
  domain::Product Update(const domain::Product& product) override;
  bool HasActivePlacements(const domain::Uuid& id) override;
  void SoftDelete(const domain::Uuid& id) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
