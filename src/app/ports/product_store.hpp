#pragma once

#include <optional>
#include <string>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

struct ProductFilter {
  std::optional<domain::Uuid> advertiser_id;
  std::optional<std::string> category;
};

/// Products in the system of record, within the caller's transaction.
class ProductStore {
 public:
  virtual ~ProductStore() = default;

  /// A live product, locked as asked.
  virtual std::optional<domain::Product> Find(const domain::Uuid& id, RowLock lock) = 0;
  virtual Page<domain::Product> List(const ProductFilter& filter, const PageRequest& page) = 0;
  /// Inserts and returns the stored row (with database defaults).
  virtual domain::Product Insert(const domain::Product& product) = 0;
  /// Writes every mutable field; returns the stored row (its new version).
  virtual domain::Product Update(const domain::Product& product) = 0;
  /// True while a live placement of the product is active.
  virtual bool HasActivePlacements(const domain::Uuid& id) = 0;
  /// Marks it deleted.
  virtual void SoftDelete(const domain::Uuid& id) = 0;
};

}  // namespace nedlia::app
