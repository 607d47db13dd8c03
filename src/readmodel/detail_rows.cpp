#include "readmodel/detail_rows.hpp"

#include <array>
#include <string_view>

namespace nedlia::readmodel {
namespace {

// placement_details' columns after id, in the table's order (updated_at is the table's own).
constexpr std::array<std::string_view, 13> kColumns = {
    "video_id",        "video_title", "product_id",   "product_name", "product_category",
    "advertiser_name", "start_time",  "end_time",     "description",  "status",
    "file_url",        "created_at",  "advertiser_id"};

std::string Joined(std::string_view prefix, std::string_view separator) {
  std::string out;
  for (std::string_view column : kColumns) {
    if (!out.empty())
      out += separator;
    out += prefix;
    out += column;
  }
  return out;
}

/// INSERT ... SELECT from the definition, `filter` on it, updating only rows that differ.
std::string UpsertSql(std::string_view filter) {
  std::string set;
  for (std::string_view column : kColumns) {
    set += set.empty() ? "" : ", ";
    set += std::string(column) + " = EXCLUDED." + std::string(column);
  }
  return "INSERT INTO placement_details (id, " + Joined("", ", ") + ")\n" + "SELECT id, " +
         Joined("", ", ") + " FROM placement_details_definition s" + std::string(filter) +
         "\nON CONFLICT (id) DO UPDATE SET " + set + "\nWHERE (" +
         Joined("placement_details.", ", ") + ") IS DISTINCT FROM (" + Joined("EXCLUDED.", ", ") +
         ")";
}

/// DELETE of the rows, `filter` on placement_details d, that the definition no longer has.
std::string RemoveSql(std::string_view filter) {
  return "DELETE FROM placement_details d" + std::string(filter) +
         (filter.empty() ? " WHERE" : " AND") +
         " NOT EXISTS (SELECT 1 FROM placement_details_definition s WHERE s.id = d.id)";
}

struct ScopeStatements {
  pg::Statement remove;
  pg::Statement upsert;
};

// pg::Statement views its SQL: the texts live as long as the program.
const std::string kPlacementRemove = RemoveSql(" WHERE d.id = ANY ($1::uuid[])");
const std::string kPlacementUpsert = UpsertSql(" WHERE s.id = ANY ($1::uuid[])");
const std::string kVideoRemove = RemoveSql(" WHERE d.video_id = ANY ($1::uuid[])");
const std::string kVideoUpsert = UpsertSql(" WHERE s.video_id = ANY ($1::uuid[])");
const std::string kProductRemove = RemoveSql(" WHERE d.product_id = ANY ($1::uuid[])");
const std::string kProductUpsert = UpsertSql(" WHERE s.product_id = ANY ($1::uuid[])");
const std::string kAdvertiserRemove = RemoveSql(" WHERE d.advertiser_id = ANY ($1::uuid[])");
const std::string kAdvertiserUpsert = UpsertSql(" WHERE s.advertiser_id = ANY ($1::uuid[])");

const ScopeStatements kPlacement{{"readmodel_remove_placement", kPlacementRemove},
                                 {"readmodel_upsert_placement", kPlacementUpsert}};
const ScopeStatements kVideo{{"readmodel_remove_video", kVideoRemove},
                             {"readmodel_upsert_video", kVideoUpsert}};
const ScopeStatements kProduct{{"readmodel_remove_product", kProductRemove},
                               {"readmodel_upsert_product", kProductUpsert}};
const ScopeStatements kAdvertiser{{"readmodel_remove_advertiser", kAdvertiserRemove},
                                  {"readmodel_upsert_advertiser", kAdvertiserUpsert}};

const ScopeStatements& StatementsOf(Scope scope) {
  switch (scope) {
    case Scope::kPlacement:
      return kPlacement;
    case Scope::kVideo:
      return kVideo;
    case Scope::kProduct:
      return kProduct;
    case Scope::kAdvertiser:
      return kAdvertiser;
  }
  return kPlacement;
}

/// An array of the names of the columns where d and s disagree.
std::string DifferingColumnsSql() {
  std::string cases;
  for (std::string_view column : kColumns) {
    cases += cases.empty() ? "" : ", ";
    cases += "CASE WHEN d." + std::string(column) + " IS DISTINCT FROM s." + std::string(column) +
             " THEN '" + std::string(column) + "' END";
  }
  return "array_remove(ARRAY[" + cases + "]::text[], NULL)";
}

const std::string kVerifySql =
    "SELECT coalesce(d.id, s.id), CASE WHEN d.id IS NULL THEN 'missing' WHEN s.id IS NULL "
    "THEN 'extra' ELSE 'differs' END,\n"
    "CASE WHEN d.id IS NOT NULL AND s.id IS NOT NULL THEN array_to_string(" +
    DifferingColumnsSql() +
    ", ',') ELSE '' END, count(*) OVER ()\n"
    "FROM placement_details d FULL JOIN placement_details_definition s ON s.id = d.id\n"
    "WHERE d.id IS NULL OR s.id IS NULL OR (" +
    Joined("d.", ", ") + ") IS DISTINCT FROM (" + Joined("s.", ", ") + ")\nORDER BY 1 LIMIT $1";

// For the rest of the projector's transaction: generic plans of index lookups in nested loops.
constexpr const char* kLookupPlans =
    "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), "
    "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)";

// The projector's writes take ROW EXCLUSIVE, which this mode excludes: while a rebuild runs,
// no projection can write a row from an older snapshot over the rebuilt one.
constexpr const char* kLockForRebuild = "LOCK TABLE placement_details IN SHARE ROW EXCLUSIVE MODE";

std::vector<std::string> SplitColumns(const std::string& text) {
  std::vector<std::string> columns;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::size_t end = comma == std::string::npos ? text.size() : comma;
    columns.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return columns;
}

}  // namespace

void DetailRows::Refresh(Scope scope, const std::vector<domain::Uuid>& ids) {
  if (ids.empty())
    return;
  const ScopeStatements& statements = StatementsOf(scope);
  const pg::Params params(ids);
  // A refresh touches a few rows through the four-table join, and must cost the same whatever
  // the tables' sizes. Left to itself PostgreSQL either plans the join afresh at every call
  // (an array parameter makes it guess ten ids, so the generic plan looks dearer than a custom
  // one), which cost several times the refresh, or, in a generic plan, hashes every product.
  connection_.Defer(kLookupPlans);
  connection_.Defer(statements.remove, params);
  connection_.Execute(statements.upsert, params);
}

RebuildCounts DetailRows::Rebuild() {
  connection_.Execute(kLockForRebuild);
  RebuildCounts counts;
  counts.removed = connection_.Execute(RemoveSql("")).AffectedRows();
  counts.written = connection_.Execute(UpsertSql("")).AffectedRows();
  counts.total =
      connection_.Execute("SELECT count(*) FROM placement_details").Single()[0].As<std::int64_t>();
  return counts;
}

std::vector<Difference> DetailRows::Verify(int limit, std::int64_t& total) {
  std::vector<Difference> differences;
  total = 0;
  for (const pg::Row& row : connection_.Execute(kVerifySql, pg::Params(limit))) {
    differences.push_back({.id = row[0].As<domain::Uuid>(),
                           .kind = row[1].As<std::string>(),
                           .columns = SplitColumns(row[2].As<std::string>())});
    total = row[3].As<std::int64_t>();
  }
  return differences;
}

}  // namespace nedlia::readmodel
