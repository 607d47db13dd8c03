#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// The fields a client sets when it creates a product.
struct NewProduct {
  /// Required from an admin key; an advertiser key may leave it out for its own advertiser.
  std::optional<domain::Uuid> advertiser_id;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> category;
  domain::OpaqueJson assets = "[]";  ///< a JSON array, kept as is
};

/// A partial update: an empty member leaves the field alone; a member holding nullopt clears
/// a nullable field. The advertiser never changes.
struct ProductPatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> description;
  std::optional<std::optional<std::string>> category;
  std::optional<domain::OpaqueJson> assets;
};

/// Creates a product of a live advertiser the caller may see (suspended ones included: what a
/// suspended advertiser cannot get is placements); emits com.nedlia.product.created.v1.
domain::Product CreateProduct(Transaction& tx, const CallContext& context, const NewProduct& input);
/// A live product the caller may see.
domain::Product GetProduct(Transaction& tx, const Principal& caller, const domain::Uuid& id);
/// Live products the caller may see, filtered.
Page<domain::Product> ListProducts(Transaction& tx, const Principal& caller, ProductFilter filter,
                                   const PageRequest& page);
/// Applies `patch` when `expected_version` is current; emits com.nedlia.product.updated.v1
/// when something changed.
domain::Product UpdateProduct(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                              std::int32_t expected_version, const ProductPatch& patch);
/// Soft-deletes when `expected_version` is current and no active placement shows the product
/// (kConflict otherwise); emits com.nedlia.product.deleted.v1.
void DeleteProduct(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                   std::int32_t expected_version);

}  // namespace nedlia::app
