#include "store/product_rows.hpp"

#include <string>

#include "store/row_mapping.hpp"

namespace nedlia::store {
namespace {

// The columns every query returns, in the order RowToProduct reads them. assets is nullable
// in the specification's table; a NULL reads as the empty array it defaults to.
const std::string kColumns =
    "p.id, p.advertiser_id, p.name, p.description, p.category, "
    "coalesce(p.assets, '[]'::jsonb)::text, " +
    EpochMs("p.created_at") + ", " + EpochMs("p.updated_at") + ", p.created_by, p.version";

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM products p WHERE p.id = $1 AND p.deleted_at IS NULL";
// A PATCH does not touch the key, so it leaves new placements' foreign key checks alone; a
// delete blocks them until it is over.
const std::string kFindChangeSql = kFindSql + " FOR NO KEY UPDATE";
const std::string kFindDeleteSql = kFindSql + " FOR UPDATE";
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

const pg::Statement kFind{"product_find", kFindSql};
const pg::Statement kFindChange{"product_find_for_change", kFindChangeSql};
const pg::Statement kFindDelete{"product_find_for_delete", kFindDeleteSql};
const pg::Statement kInsert{"product_insert", kInsertSql};
const pg::Statement kUpdate{"product_update", kUpdateSql};

const pg::Statement kHasActivePlacements{"product_has_active_placements", R"sql(
    SELECT EXISTS (SELECT FROM placements
                   WHERE product_id = $1 AND status = 'active' AND deleted_at IS NULL))sql"};

const pg::Statement kSoftDelete{
    "product_soft_delete",
    "UPDATE products SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL"};

const pg::Statement& FindStatement(app::ProductLock lock) {
  switch (lock) {
    case app::ProductLock::kNone:
      return kFind;
    case app::ProductLock::kChange:
      return kFindChange;
    case app::ProductLock::kDelete:
      return kFindDelete;
  }
  return kFind;
}

domain::Product RowToProduct(const pg::Row& row) {
  return domain::Product{.id = row[0].As<domain::Uuid>(),
                         .advertiser_id = row[1].As<domain::Uuid>(),
                         .name = row[2].As<std::string>(),
                         .description = row[3].As<std::optional<std::string>>(),
                         .category = row[4].As<std::optional<std::string>>(),
                         .assets = row[5].As<std::string>(),
                         .audit = {.created_at = row[6].As<std::int64_t>(),
                                   .updated_at = row[7].As<std::int64_t>(),
                                   .created_by = row[8].As<std::optional<domain::Uuid>>(),
                                   .version = row[9].As<std::int32_t>()}};
}

}  // namespace

std::optional<domain::Product> ProductRows::Find(const domain::Uuid& id, app::ProductLock lock) {
  const pg::Result result = connection_.Execute(FindStatement(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToProduct(result[0]);
}

app::Page<domain::Product> ProductRows::List(const app::ProductFilter& filter,
                                             const app::PageRequest& page) {
  // Fixed fragments chosen by which filters are present; every value is a bound parameter.
  std::string sql = "SELECT " + kColumns + " FROM products p WHERE p.deleted_at IS NULL";
  pg::Params params;
  auto where = [&](const char* condition, const auto& value) {
    params.Add(value);
    sql += std::string(" AND ") + condition + std::to_string(params.Count());
  };
  if (filter.advertiser_id)
    where("p.advertiser_id = $", *filter.advertiser_id);
  if (filter.category)
    where("p.category = $", *filter.category);
  if (page.after)
    where("p.id > $", *page.after);
  params.Add(page.limit + 1);
  sql += " ORDER BY p.id LIMIT $" + std::to_string(params.Count());

  app::Page<domain::Product> result;
  for (const pg::Row& row : connection_.Execute(sql, params))
    result.items.push_back(RowToProduct(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().id;
  }
  return result;
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

}  // namespace nedlia::store
