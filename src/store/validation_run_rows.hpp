#pragma once

#include "app/ports/validation_run_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::store {

/// ValidationRunStore over PostgreSQL, inside the connection's open transaction.
class ValidationRunRows : public app::ValidationRunStore {
 public:
  explicit ValidationRunRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<app::OwnedValidationRun> Find(const domain::Uuid& id) override;
  app::Page<app::OwnedValidationRun> List(const app::ValidationRunFilter& filter,
                                          const app::PageRequest& page) override;
  domain::ValidationRun Insert(const domain::ValidationRun& run) override;
  std::optional<domain::Uuid> SoftDelete(const domain::Uuid& id) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::store
