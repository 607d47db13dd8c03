#include "store/placement_detail_rows.hpp"

#include <string>

#include "domain/decimal.hpp"
#include "store/row_mapping.hpp"

namespace nedlia::store {
namespace {

const std::string kColumns =
    "id, video_id, video_title, product_id, product_name, product_category, advertiser_id, "
    "advertiser_name, start_time::text, end_time::text, description, status, file_url, " +
    EpochMs("created_at") + ", " + EpochMs("updated_at");

app::PlacementDetail RowToDetail(const pg::Row& row) {
  return {.id = row[0].As<domain::Uuid>(),
          .video_id = row[1].As<domain::Uuid>(),
          .video_title = row[2].As<std::string>(),
          .product_id = row[3].As<domain::Uuid>(),
          .product_name = row[4].As<std::string>(),
          .product_category = row[5].As<std::optional<std::string>>(),
          .advertiser_id = row[6].As<domain::Uuid>(),
          .advertiser_name = row[7].As<std::string>(),
          .time_range = {ScaledDecimal(row[8], domain::kSecondsDecimals),
                         ScaledDecimal(row[9], domain::kSecondsDecimals)},
          .description = row[10].As<std::optional<std::string>>(),
          .status = StatusOf<domain::PlacementStatus>(row[11]),
          .file_url = row[12].As<std::optional<std::string>>(),
          .created_at = row[13].As<std::int64_t>(),
          .projected_at = row[14].As<std::int64_t>()};
}

}  // namespace

app::Page<app::PlacementDetail> PlacementDetailRows::List(const app::PlacementDetailFilter& filter,
                                                          const app::PageRequest& page) {
  // Fixed fragments chosen by which filters are present; every value is a bound parameter.
  // Each filter column has an index on (column, id), which also serves the id order.
  std::string sql = "SELECT " + kColumns + " FROM placement_details WHERE true";
  pg::Params params;
  auto where = [&](const std::string& condition, const auto& value) {
    params.Add(value);
    sql += " AND " + condition + std::to_string(params.Count());
  };
  if (filter.video_id)
    where("video_id = $", *filter.video_id);
  if (filter.product_id)
    where("product_id = $", *filter.product_id);
  if (filter.advertiser_id)
    where("advertiser_id = $", *filter.advertiser_id);
  if (filter.category)
    where("product_category = $", *filter.category);
  if (filter.status)
    where("status = $", std::string(ToString(*filter.status)));
  // Overlap of [start, end) ranges: each starts before the other ends.
  if (filter.overlaps_to_ms)
    where("start_time < $",
          domain::FormatDecimal(*filter.overlaps_to_ms, domain::kSecondsDecimals));
  if (filter.overlaps_from_ms)
    where("end_time > $",
          domain::FormatDecimal(*filter.overlaps_from_ms, domain::kSecondsDecimals));
  if (page.after)
    where("id > $", *page.after);
  params.Add(page.limit + 1);
  sql += " ORDER BY id LIMIT $" + std::to_string(params.Count());

  app::Page<app::PlacementDetail> result;
  for (const pg::Row& row : connection_.Execute(sql, params))
    result.items.push_back(RowToDetail(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().id;
  }
  return result;
}

}  // namespace nedlia::store
