#include "repositories/product_rows.hpp"

#include <string>

#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

// The columns every query returns, and where RowToProduct finds each. assets is nullable
// in the specification's table; a NULL reads as the empty array it defaults to.
struct ProductColumns : EntityColumns {
  int id = Add("p.id");
  int advertiser_id = Add("p.advertiser_id");
  int name = Add("p.name");
  int description = Add("p.description");
  int category = Add("p.category");
  int assets = Add("coalesce(p.assets, '[]'::jsonb)::text");
  AuditColumns audit = AddAudit("p");
};
const ProductColumns kColumn;
const std::string kColumns = kColumn.Sql();

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM products p WHERE p.id = $1 AND p.deleted_at IS NULL";
const std::string kInsertSql = R"sql(
    INSERT INTO products AS p (id, advertiser_id, name, description, category, assets,
                               created_by)
    VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
    RETURNING )sql" + kColumns;
const std::string kUpdateSql = R"sql(
    UPDATE products AS p
    SET name = $2, description = $3, category = $4, assets = $5::jsonb
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

// A PATCH (FOR NO KEY UPDATE) does not touch the key, so it leaves new placements' foreign key
// checks alone; a delete (FOR UPDATE) blocks them until it is over.
const LockedFind kFind{"product_find", kFindSql};
const pg::Statement kInsert{"product_insert", kInsertSql};
const pg::Statement kUpdate{"product_update", kUpdateSql};

const pg::Statement kHasActivePlacements{"product_has_active_placements", R"sql(
    SELECT EXISTS (SELECT FROM placements
                   WHERE product_id = $1 AND status = 'active' AND deleted_at IS NULL))sql"};

const pg::Statement kSoftDelete{
    "product_soft_delete",
    "UPDATE products SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL"};

domain::Product RowToProduct(const pg::Row& row) {
  return domain::Product{.id = row[kColumn.id].As<domain::Uuid>(),
                         .advertiser_id = row[kColumn.advertiser_id].As<domain::Uuid>(),
                         .name = row[kColumn.name].As<std::string>(),
                         .description = row[kColumn.description].As<std::optional<std::string>>(),
                         .category = row[kColumn.category].As<std::optional<std::string>>(),
                         .assets = row[kColumn.assets].As<std::string>(),
                         .audit = AuditOf(row, kColumn.audit)};
}

}  // namespace

std::optional<domain::Product> ProductRows::Find(const domain::Uuid& id, app::RowLock lock) {
  const pg::Result result = connection_.Execute(kFind.For(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToProduct(result[0]);
}

app::Page<domain::Product> ProductRows::List(const app::ProductFilter& filter,
                                             const app::PageRequest& page) {
  return KeysetQuery("SELECT " + kColumns + " FROM products p WHERE p.deleted_at IS NULL", "p.id")
      .WhereIf("p.advertiser_id =", filter.advertiser_id)
      .WhereIf("p.category =", filter.category)
      .ReadPage(connection_, page, RowToProduct, kIdOf);
}

domain::Product ProductRows::Insert(const domain::Product& product) {
  const pg::Params params(product.id, product.advertiser_id, product.name, product.description,
                          product.category, product.assets, product.audit.created_by);
  return RowToProduct(connection_.Execute(kInsert, params).Single());
}

domain::Product ProductRows::Update(const domain::Product& product) {
  const pg::Params params(product.id, product.name, product.description, product.category,
                          product.assets);
  return RowToProduct(connection_.Execute(kUpdate, params).Single());
}

bool ProductRows::HasActivePlacements(const domain::Uuid& id) {
  return connection_.Execute(kHasActivePlacements, pg::Params(id)).Single()[0].As<bool>();
}

void ProductRows::SoftDelete(const domain::Uuid& id) {
  connection_.Execute(kSoftDelete, pg::Params(id));
}

}  // namespace nedlia::repositories
