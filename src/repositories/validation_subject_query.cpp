#include "repositories/validation_subject_query.hpp"

#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

// Archived placements are off the video for good, so the rules leave them out; drafts are in
// (they get a warning, and are checked as they would play once activated). Times as integer
// milliseconds: exact, and cheaper to read than NUMERIC text.
const pg::Statement kPlacements{"validation_placements", R"sql(
    SELECT id, product_id, (start_time * 1000)::int8, (end_time * 1000)::int8, status, true
    FROM placements
    WHERE video_id = $1 AND deleted_at IS NULL AND status <> 'archived')sql"};
// For a run an advertiser requested ($2): every placement of the video (they all take up the
// screen), each marked whether it is that advertiser's. The join is paid only here.
const pg::Statement kScopedPlacements{"validation_placements_scoped", R"sql(
    SELECT pl.id, pl.product_id, (pl.start_time * 1000)::int8, (pl.end_time * 1000)::int8,
           pl.status, pr.advertiser_id IS NOT DISTINCT FROM $2::uuid
    FROM placements pl LEFT JOIN products pr ON pr.id = pl.product_id
    WHERE pl.video_id = $1 AND pl.deleted_at IS NULL AND pl.status <> 'archived')sql"};

// The products the video's placements name, deleted ones included (a product of a deleted
// advertiser counts as deleted: it can be shown no more than a deleted product). With an
// advertiser ($2), only that advertiser's: nothing of another tenant is read.
const pg::Statement kProducts{"validation_products", R"sql(
    SELECT p.id, p.deleted_at IS NOT NULL OR a.deleted_at IS NOT NULL, a.status
    FROM products p JOIN advertisers a ON a.id = p.advertiser_id
    WHERE p.id IN (SELECT product_id FROM placements
                   WHERE video_id = $1 AND deleted_at IS NULL AND status <> 'archived')
      AND ($2::uuid IS NULL OR p.advertiser_id = $2::uuid))sql"};

const pg::Statement kCampaigns{"validation_campaigns", R"sql(
    SELECT cp.product_id, c.id, c.status, to_char(c.start_date, 'YYYY-MM-DD'),
           to_char(c.end_date, 'YYYY-MM-DD')
    FROM campaign_products cp JOIN campaigns c ON c.id = cp.campaign_id
    WHERE c.deleted_at IS NULL
      AND ($2::uuid IS NULL OR c.advertiser_id = $2::uuid)
      AND cp.product_id IN (SELECT product_id FROM placements
                            WHERE video_id = $1 AND deleted_at IS NULL
                              AND status <> 'archived'))sql"};

}  // namespace

domain::ValidationSubject LoadValidationSubject(pg::Connection& connection,
                                                const domain::Uuid& video_id,
                                                std::int64_t duration_ms,
                                                const std::optional<domain::Uuid>& advertiser) {
  domain::ValidationSubject subject{.video_duration_ms = duration_ms};
  const pg::Params params(video_id, advertiser);
  const pg::Result placements = advertiser ? connection.Execute(kScopedPlacements, params)
                                           : connection.Execute(kPlacements, pg::Params(video_id));
  subject.placements.reserve(static_cast<std::size_t>(placements.RowCount()));
  for (const pg::Row row : placements) {
    subject.placements.push_back(
        {.id = row[0].As<domain::Uuid>(),
         .product_id = row[1].As<domain::Uuid>(),
         .time_range = {row[2].As<std::int64_t>(), row[3].As<std::int64_t>()},
         .status = StatusOf<domain::PlacementStatus>(row[4]),
         .reported = row[5].As<bool>()});
  }
  for (const pg::Row row : connection.Execute(kProducts, params)) {
    subject.products.push_back({.id = row[0].As<domain::Uuid>(),
                                .deleted = row[1].As<bool>(),
                                .advertiser_status = StatusOf<domain::AdvertiserStatus>(row[2])});
  }
  for (const pg::Row row : connection.Execute(kCampaigns, params)) {
    subject.campaigns.push_back({.product_id = row[0].As<domain::Uuid>(),
                                 .campaign_id = row[1].As<domain::Uuid>(),
                                 .status = StatusOf<domain::CampaignStatus>(row[2]),
                                 .start_date = DateOf(row[3]),
                                 .end_date = DateOf(row[4])});
  }
  return subject;
}

}  // namespace nedlia::repositories
