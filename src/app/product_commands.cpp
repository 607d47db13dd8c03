#include "app/product_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/errors.hpp"
#include "app/event_data.hpp"
#include "app/opaque_json.hpp"
#include "domain/product_rules.hpp"

namespace nedlia::app {
namespace {

const domain::FieldError kNoSuchAdvertiser{"/advertiser_id", "no such advertiser"};

/// The advertiser a new product belongs to: the one named, or an advertiser key's own. Another
/// tenant's advertiser gives nullopt, to be answered exactly like one that does not exist.
std::optional<domain::Uuid> OwnerOf(const Principal& caller, const NewProduct& input,
                                    domain::FieldErrors& errors) {
  if (!input.advertiser_id) {
    if (caller.IsAdmin())
      errors.push_back({"/advertiser_id", "is required"});
    return caller.advertiser_id;
  }
  if (!caller.CanSee(*input.advertiser_id))
    return std::nullopt;
  return input.advertiser_id;
}

domain::Product FindVisible(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                            ProductLock lock) {
  auto found = tx.Products().Find(id, lock);
  if (!found || !caller.CanSee(found->advertiser_id))
    throw NotFound("product");
  return std::move(*found);
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
  const auto owner = OwnerOf(context.principal, input, errors);
  ThrowIfInvalid(std::move(errors));
  // Locks the advertiser against a concurrent delete until this product is committed.
  if (!owner || !tx.Advertisers().Find(*owner, AdvertiserLock::kKeyShare))
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
  return FindVisible(tx, caller, id, ProductLock::kNone);
}

Page<domain::Product> ListProducts(Transaction& tx, const Principal& caller, ProductFilter filter,
                                   const PageRequest& page) {
  if (!caller.IsAdmin()) {
    // Asking for another tenant's products finds none, as if that advertiser had none.
    if (filter.advertiser_id && filter.advertiser_id != caller.advertiser_id)
      return {};
    filter.advertiser_id = caller.advertiser_id;
  }
  return tx.Products().List(filter, page);
}

domain::Product UpdateProduct(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                              std::int32_t expected_version, const ProductPatch& patch) {
  domain::Product product = FindVisible(tx, context.principal, id, ProductLock::kChange);
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
  const domain::Product product = FindVisible(tx, context.principal, id, ProductLock::kDelete);
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
