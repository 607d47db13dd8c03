#include "app/product_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/errors.hpp"
#include "app/event_data.hpp"
#include "app/opaque_json.hpp"
#include "app/tenancy.hpp"
#include "domain/product_rules.hpp"

namespace nedlia::app {
namespace {

domain::Product FindVisible(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                            RowLock lock) {
  return RequireVisibleBy(
      tx.Products().Find(id, lock), caller,
      [](const domain::Product& product) { return product.advertiser_id; }, "product");
}

/// Applies the patch; returns the changed fields as the event's "changes" object.
nlohmann::json Apply(const ProductPatch& patch, domain::Product& product) {
  nlohmann::json changes = nlohmann::json::object();
  if (patch.name && *patch.name != product.name) {
    product.name = *patch.name;
    changes["name"] = product.name;
  }
  if (patch.description && *patch.description != product.description) {
    product.description = *patch.description;
    changes["description"] = OptionalData(product.description);
  }
  if (patch.category && *patch.category != product.category) {
    product.category = *patch.category;
    changes["category"] = OptionalData(product.category);
  }
  if (patch.assets && !SameDocument(*patch.assets, product.assets)) {
    product.assets = *patch.assets;
    changes["assets"] = DocumentData(product.assets);
  }
  return changes;
}

}  // namespace

domain::Product CreateProduct(Transaction& tx, const CallContext& context,
                              const NewProduct& input) {
  domain::Product product{.id = domain::Uuid::NewV7(),
                          .name = input.name,
                          .description = input.description,
                          .category = input.category,
                          .assets = input.assets,
                          .audit = {.created_by = context.principal.id}};
  domain::FieldErrors errors = domain::ValidateProduct(product);
  const auto owner = OwnerForNew(context.principal, input.advertiser_id, errors);
  ThrowIfInvalid(std::move(errors));
  // Locks the advertiser against a concurrent delete until this product is committed.
  if (!owner || !tx.Advertisers().Find(*owner, RowLock::kKeyShare))
    ThrowIfInvalid({kNoSuchAdvertiser});
  product.advertiser_id = *owner;
  product = tx.Products().Insert(product);
  tx.Outbox().Append({.type = "com.nedlia.product.created.v1",
                      .aggregate_type = "product",
                      .aggregate_id = product.id,
                      .advertiser_id = product.advertiser_id,
                      .data = {{"product_id", product.id.ToString()},
                               {"advertiser_id", product.advertiser_id.ToString()},
                               {"name", product.name},
                               {"category", OptionalData(product.category)},
                               {"created_by", context.principal.id.ToString()}}});
  return product;
}

domain::Product GetProduct(Transaction& tx, const Principal& caller, const domain::Uuid& id) {
  return FindVisible(tx, caller, id, RowLock::kNone);
}

Page<domain::Product> ListProducts(Transaction& tx, const Principal& caller, ProductFilter filter,
                                   const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.advertiser_id))
    return {};
  return tx.Products().List(filter, page);
}

domain::Product UpdateProduct(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                              std::int32_t expected_version, const ProductPatch& patch) {
  domain::Product product = FindVisible(tx, context.principal, id, RowLock::kNoKeyUpdate);
  CheckVersion(expected_version, product.audit.version, "product");
  const nlohmann::json changes = Apply(patch, product);
  if (changes.empty())
    return product;
  ThrowIfInvalid(domain::ValidateProduct(product));
  product = tx.Products().Update(product);
  tx.Outbox().Append({.type = "com.nedlia.product.updated.v1",
                      .aggregate_type = "product",
                      .aggregate_id = id,
                      .advertiser_id = product.advertiser_id,
                      .data = {{"product_id", id.ToString()},
                               {"changes", changes},
                               {"previous_version", expected_version},
                               {"new_version", product.audit.version}}});
  return product;
}

void DeleteProduct(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                   std::int32_t expected_version) {
  const domain::Product product = FindVisible(tx, context.principal, id, RowLock::kUpdate);
  CheckVersion(expected_version, product.audit.version, "product");
  if (tx.Products().HasActivePlacements(id)) {
    throw Error(ErrorKind::kConflict,
                "active placements still show this product: archive or delete them first");
  }
  tx.Products().SoftDelete(id);
  tx.Outbox().Append({.type = "com.nedlia.product.deleted.v1",
                      .aggregate_type = "product",
                      .aggregate_id = id,
                      .advertiser_id = product.advertiser_id,
                      .data = {{"product_id", id.ToString()},
                               {"advertiser_id", product.advertiser_id.ToString()},
                               {"deleted_by", context.principal.id.ToString()}}});
}

}  // namespace nedlia::app
