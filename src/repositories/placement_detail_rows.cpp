#include "repositories/placement_detail_rows.hpp"

#include <string>

#include "domain/decimal.hpp"
#include "repositories/keyset_query.hpp"
#include "repositories/row_mapping.hpp"
#include "repositories/select_list.hpp"

namespace nedlia::repositories {
namespace {

// The read model's columns, and where RowToDetail finds each.
struct DetailColumns : SelectList {
  int id = Add("id");
  int video_id = Add("video_id");
  int video_title = Add("video_title");
  int product_id = Add("product_id");
  int product_name = Add("product_name");
  int product_category = Add("product_category");
  int advertiser_id = Add("advertiser_id");
  int advertiser_name = Add("advertiser_name");
  int start_time = Add("start_time::text");
  int end_time = Add("end_time::text");
  int description = Add("description");
  int status = Add("status");
  int file_url = Add("file_url");
  int created_at = Add(EpochMs("created_at"));
  int projected_at = Add(EpochMs("updated_at"));
};
const DetailColumns kColumn;
const std::string kColumns = kColumn.Sql();

app::PlacementDetail RowToDetail(const pg::Row& row) {
  return {.id = row[kColumn.id].As<domain::Uuid>(),
          .video_id = row[kColumn.video_id].As<domain::Uuid>(),
          .video_title = row[kColumn.video_title].As<std::string>(),
          .product_id = row[kColumn.product_id].As<domain::Uuid>(),
          .product_name = row[kColumn.product_name].As<std::string>(),
          .product_category = row[kColumn.product_category].As<std::optional<std::string>>(),
          .advertiser_id = row[kColumn.advertiser_id].As<domain::Uuid>(),
          .advertiser_name = row[kColumn.advertiser_name].As<std::string>(),
          .time_range = {ScaledDecimal(row[kColumn.start_time], domain::kSecondsDecimals),
                         ScaledDecimal(row[kColumn.end_time], domain::kSecondsDecimals)},
          .description = row[kColumn.description].As<std::optional<std::string>>(),
          .status = StatusOf<domain::PlacementStatus>(row[kColumn.status]),
          .file_url = row[kColumn.file_url].As<std::optional<std::string>>(),
          .created_at = row[kColumn.created_at].As<std::int64_t>(),
          .projected_at = row[kColumn.projected_at].As<std::int64_t>()};
}

/// A time in milliseconds as the NUMERIC seconds its columns hold.
std::optional<std::string> Seconds(const std::optional<std::int64_t>& ms) {
  if (!ms)
    return std::nullopt;
  return domain::FormatDecimal(*ms, domain::kSecondsDecimals);
}

}  // namespace

app::Page<app::PlacementDetail> PlacementDetailRows::List(const app::PlacementDetailFilter& filter,
                                                          const app::PageRequest& page) {
  // Each filter column has an index on (column, id), which also serves the id order.
  // Overlap of [start, end) ranges: each starts before the other ends.
  return KeysetQuery("SELECT " + kColumns + " FROM placement_details WHERE true", "id")
      .WhereIf("video_id =", filter.video_id)
      .WhereIf("product_id =", filter.product_id)
      .WhereIf("advertiser_id =", filter.advertiser_id)
      .WhereIf("product_category =", filter.category)
      .WhereIf("status =", StatusText(filter.status))
      .WhereIf("start_time <", Seconds(filter.overlaps_to_ms))
      .WhereIf("end_time >", Seconds(filter.overlaps_from_ms))
      .ReadPage(connection_, page, RowToDetail, kIdOf);
}

}  // namespace nedlia::repositories
