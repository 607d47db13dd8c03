#include "repositories/placement_rows.hpp"

#include <string>
#include <utility>

#include "app/errors.hpp"
#include "pg/errors.hpp"
#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

using domain::kSecondsDecimals;

// The columns every query returns, and where RowToPlacement finds each.
struct PlacementColumns : EntityColumns {
  int id = Add("p.id");
  int video_id = Add("p.video_id");
  int product_id = Add("p.product_id");
  int start_time = Add("p.start_time::text");
  int end_time = Add("p.end_time::text");
  int description = Add("p.description");
  int position = Add("p.position::text");
  int status = Add("p.status");
  int file_url = Add("p.file_url");
  AuditColumns audit = AddAudit("p");
};
const PlacementColumns kColumn;
const std::string kColumns = kColumn.Sql();
// The queries of an owned placement add its product's advertiser after these.
const int kOwnerColumn = kColumn.Count();

// Also reads the transaction's timestamp, which Insert needs: the query runs first anyway.
const std::string kTargetsSql = R"sql(
    WITH video AS (
      -- FOR SHARE: shortening, archiving or deleting the video waits for this transaction.
      SELECT duration::text, status FROM videos WHERE id = $1 AND deleted_at IS NULL FOR SHARE
    ), owner AS (
      -- A concurrent suspension of the advertiser, or deletion of the product, waits for this
      -- transaction (and, run first, makes this one see the product gone).
      SELECT a.id, a.status FROM products p JOIN advertisers a ON a.id = p.advertiser_id
      WHERE p.id = $2 AND p.deleted_at IS NULL AND a.deleted_at IS NULL
      FOR KEY SHARE OF p FOR SHARE OF a
    )
    SELECT video.duration, video.status, owner.id, owner.status, )sql" +
                                EpochMs("now()") + R"sql(
    FROM (SELECT) AS one LEFT JOIN video ON true LEFT JOIN owner ON true)sql";
const std::string kNowSql = "SELECT " + EpochMs("now()");

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql = "SELECT " + kColumns + R"sql(, pr.advertiser_id
    FROM placements p JOIN products pr ON pr.id = p.product_id
    WHERE p.id = $1 AND p.deleted_at IS NULL)sql";
const std::string kUpdateSql = R"sql(
    UPDATE placements AS p
    SET start_time = $2::numeric, end_time = $3::numeric, description = $4, position = $5::jsonb,
        status = $6, file_url = $7
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

// Locks the placement only, never its product.
const LockedFind kFind{"placement_find", kFindSql, "p"};
const pg::Statement kTargets{"placement_targets", kTargetsSql};
const pg::Statement kNow{"transaction_now", kNowSql};
// No RETURNING: the database adds created_at = updated_at = now() and version 1, all known
// beforehand, so the INSERT can travel with COMMIT instead of costing a round trip of its own.
const pg::Statement kInsert{"placement_insert", R"sql(
    INSERT INTO placements (id, video_id, product_id, start_time, end_time, description,
                            position, status, file_url, created_by)
    VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6, $7::jsonb, $8, $9, $10))sql"};
const pg::Statement kUpdate{"placement_update", kUpdateSql};

const pg::Statement kSoftDelete{
    "placement_soft_delete",
    "UPDATE placements SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL"};

domain::Placement RowToPlacement(const pg::Row& row) {
  return domain::Placement{.id = row[kColumn.id].As<domain::Uuid>(),
                           .video_id = row[kColumn.video_id].As<domain::Uuid>(),
                           .product_id = row[kColumn.product_id].As<domain::Uuid>(),
                           .time_range = {ScaledDecimal(row[kColumn.start_time], kSecondsDecimals),
                                          ScaledDecimal(row[kColumn.end_time], kSecondsDecimals)},
                           .description = row[kColumn.description].As<std::optional<std::string>>(),
                           .position = PositionOf(row[kColumn.position]),
                           .status = StatusOf<domain::PlacementStatus>(row[kColumn.status]),
                           .file_url = row[kColumn.file_url].As<std::optional<std::string>>(),
                           .audit = AuditOf(row, kColumn.audit)};
}

/// A placement row followed by its product's advertiser.
app::OwnedPlacement RowToOwnedPlacement(const pg::Row& row) {
  return app::OwnedPlacement{RowToPlacement(row), row[kOwnerColumn].As<domain::Uuid>()};
}

std::optional<std::string> PositionParam(const domain::Placement& placement) {
  if (!placement.position)
    return std::nullopt;
  return PositionJson(*placement.position);
}

/// Turns the overlap constraint into the application's conflict; lets other errors through.
void ThrowIfOverlap(const pg::Error& error) {
  const auto* exclusion = dynamic_cast<const pg::ExclusionViolation*>(&error);
  if (exclusion == nullptr || exclusion->Constraint() != "excl_placements_active_overlap")
    return;
  throw app::Error(app::ErrorKind::kConflict,
                   "an active placement of this product already covers part of this time "
                   "range in this video",
                   {{"/time_range", "overlaps another active placement of the same product"}});
}

/// Runs a write, turning the overlap constraint into the application's conflict.
template <class Write>
pg::Result TranslatingOverlap(Write&& write) {
  try {
    return write();
  } catch (const pg::Error& error) {
    ThrowIfOverlap(error);
    throw;
  }
}

}  // namespace

app::PlacementTargets PlacementRows::Targets(const domain::Uuid& video_id,
                                             const domain::Uuid& product_id) {
  const pg::Row row = connection_.Execute(kTargets, pg::Params(video_id, product_id)).Single();
  app::PlacementTargets targets;
  if (!row[0].IsNull()) {
    targets.video = {ScaledDecimal(row[0], kSecondsDecimals),
                     StatusOf<domain::VideoStatus>(row[1])};
  }
  if (!row[2].IsNull()) {
    targets.product = {row[2].As<domain::Uuid>(), StatusOf<domain::AdvertiserStatus>(row[3])};
  }
  transaction_time_ms_ = row[4].As<std::int64_t>();
  return targets;
}

std::optional<app::OwnedPlacement> PlacementRows::Find(const domain::Uuid& id, app::RowLock lock) {
  const pg::Result result = connection_.Execute(kFind.For(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToOwnedPlacement(result[0]);
}

app::Page<app::OwnedPlacement> PlacementRows::List(const app::PlacementFilter& filter,
                                                   const app::PageRequest& page) {
  return KeysetQuery("SELECT " + kColumns +
                         ", pr.advertiser_id FROM placements p JOIN products pr ON pr.id = "
                         "p.product_id WHERE p.deleted_at IS NULL",
                     "p.id")
      .WhereIf("p.video_id =", filter.video_id)
      .WhereIf("p.product_id =", filter.product_id)
      .WhereIf("pr.advertiser_id =", filter.advertiser_id)
      .WhereIf("p.status =", StatusText(filter.status))
      .ReadPage(connection_, page, RowToOwnedPlacement,
                [](const app::OwnedPlacement& owned) { return owned.placement.id; });
}

domain::Placement PlacementRows::Insert(const domain::Placement& placement) {
  pg::Params params(placement.id, placement.video_id, placement.product_id,
                    domain::FormatDecimal(placement.time_range.start_ms, kSecondsDecimals),
                    domain::FormatDecimal(placement.time_range.end_ms, kSecondsDecimals),
                    placement.description, PositionParam(placement),
                    std::string(ToString(placement.status)), placement.file_url,
                    placement.audit.created_by);
  connection_.Defer(kInsert, std::move(params), &ThrowIfOverlap);
  domain::Placement stored = placement;
  stored.audit.created_at = stored.audit.updated_at = TransactionTimeMs();
  stored.audit.version = 1;
  return stored;
}

std::int64_t PlacementRows::TransactionTimeMs() {
  if (!transaction_time_ms_)
    transaction_time_ms_ = connection_.Execute(kNow).Single()[0].As<std::int64_t>();
  return *transaction_time_ms_;
}

domain::Placement PlacementRows::Update(const domain::Placement& placement) {
  const pg::Params params(
      placement.id, domain::FormatDecimal(placement.time_range.start_ms, kSecondsDecimals),
      domain::FormatDecimal(placement.time_range.end_ms, kSecondsDecimals), placement.description,
      PositionParam(placement), std::string(ToString(placement.status)), placement.file_url);
  return RowToPlacement(
      TranslatingOverlap([&] { return connection_.Execute(kUpdate, params); }).Single());
}

void PlacementRows::SoftDelete(const domain::Uuid& id) {
  connection_.Execute(kSoftDelete, pg::Params(id));
}

}  // namespace nedlia::repositories
