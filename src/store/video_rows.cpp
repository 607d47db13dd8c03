#include "store/video_rows.hpp"

#include <string>

#include "store/row_mapping.hpp"

namespace nedlia::store {
namespace {

using domain::kSecondsDecimals;

// The columns every query returns, in the order RowToVideo reads them. A metadata NULL (the
// column is nullable in the specification) reads as the empty object it defaults to.
const std::string kColumns =
    "v.id, v.title, v.duration::text, v.source_url, v.status, COALESCE(v.metadata, '{}')::text, " +
    EpochMs("v.created_at") + ", " + EpochMs("v.updated_at") + ", v.created_by, v.version";

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM videos v WHERE v.id = $1 AND v.deleted_at IS NULL";
const std::string kFindForShareSql = kFindSql + " FOR SHARE";
const std::string kFindForUpdateSql = kFindSql + " FOR UPDATE";
const std::string kInsertSql = R"sql(
    INSERT INTO videos AS v (id, title, duration, source_url, status, metadata, created_by)
    VALUES ($1, $2, $3::numeric, $4, $5, $6::jsonb, $7)
    RETURNING )sql" + kColumns;
const std::string kUpdateSql = R"sql(
    UPDATE videos AS v
    SET title = $2, duration = $3::numeric, source_url = $4, status = $5, metadata = $6::jsonb
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

const pg::Statement kFind{"video_find", kFindSql};
const pg::Statement kFindForShare{"video_find_for_share", kFindForShareSql};
const pg::Statement kFindForUpdate{"video_find_for_update", kFindForUpdateSql};
const pg::Statement kInsert{"video_insert", kInsertSql};
const pg::Statement kUpdate{"video_update", kUpdateSql};
const pg::Statement kSoftDelete{
    "video_soft_delete",
    "UPDATE videos SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL"};
const pg::Statement kCountEndingAfter{"video_count_placements_ending_after", R"sql(
    SELECT count(*) FROM placements
    WHERE video_id = $1 AND deleted_at IS NULL AND end_time > $2::numeric)sql"};
const pg::Statement kCountActive{"video_count_active_placements", R"sql(
    SELECT count(*) FROM placements
    WHERE video_id = $1 AND deleted_at IS NULL AND status = 'active')sql"};

domain::Video RowToVideo(const pg::Row& row) {
  return domain::Video{.id = row[0].As<domain::Uuid>(),
                       .title = row[1].As<std::string>(),
                       .duration_ms = ScaledDecimal(row[2], kSecondsDecimals),
                       .source_url = row[3].As<std::optional<std::string>>(),
                       .status = StatusOf<domain::VideoStatus>(row[4]),
                       .metadata = row[5].As<std::string>(),
                       .audit = {.created_at = row[6].As<std::int64_t>(),
                                 .updated_at = row[7].As<std::int64_t>(),
                                 .created_by = row[8].As<std::optional<domain::Uuid>>(),
                                 .version = row[9].As<std::int32_t>()}};
}

const pg::Statement& FindStatement(app::RowLock lock) {
  switch (lock) {
    case app::RowLock::kShare:
      return kFindForShare;
    case app::RowLock::kUpdate:
      return kFindForUpdate;
    case app::RowLock::kNone:
      break;
  }
  return kFind;
}

}  // namespace

std::optional<domain::Video> VideoRows::Find(const domain::Uuid& id, app::RowLock lock) {
  const pg::Result result = connection_.Execute(FindStatement(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToVideo(result[0]);
}

app::Page<domain::Video> VideoRows::List(const app::VideoFilter& filter,
                                         const app::PageRequest& page) {
  // Fixed fragments chosen by which filters are present; every value is a bound parameter.
  std::string sql = "SELECT " + kColumns + " FROM videos v WHERE v.deleted_at IS NULL";
  pg::Params params;
  auto where = [&](const char* condition, const auto& value) {
    params.Add(value);
    sql += std::string(" AND ") + condition + std::to_string(params.Count());
  };
  if (filter.status)
    where("v.status = $", std::string(ToString(*filter.status)));
  if (page.after)
    where("v.id > $", *page.after);
  params.Add(page.limit + 1);
  sql += " ORDER BY v.id LIMIT $" + std::to_string(params.Count());

  app::Page<domain::Video> result;
  for (const pg::Row& row : connection_.Execute(sql, params))
    result.items.push_back(RowToVideo(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().id;
  }
  return result;
}

domain::Video VideoRows::Insert(const domain::Video& video) {
  const pg::Params params(video.id, video.title,
                          domain::FormatDecimal(video.duration_ms, kSecondsDecimals),
                          video.source_url, std::string(ToString(video.status)), video.metadata,
                          video.audit.created_by);
  return RowToVideo(connection_.Execute(kInsert, params).Single());
}

domain::Video VideoRows::Update(const domain::Video& video) {
  const pg::Params params(video.id, video.title,
                          domain::FormatDecimal(video.duration_ms, kSecondsDecimals),
                          video.source_url, std::string(ToString(video.status)), video.metadata);
  return RowToVideo(connection_.Execute(kUpdate, params).Single());
}

void VideoRows::SoftDelete(const domain::Uuid& id) {
  connection_.Execute(kSoftDelete, pg::Params(id));
}

std::int64_t VideoRows::CountPlacementsEndingAfter(const domain::Uuid& video_id,
                                                   std::int64_t duration_ms) {
  return connection_
      .Execute(kCountEndingAfter,
               pg::Params(video_id, domain::FormatDecimal(duration_ms, kSecondsDecimals)))
      .Single()[0]
      .As<std::int64_t>();
}

std::int64_t VideoRows::CountActivePlacements(const domain::Uuid& video_id) {
  return connection_.Execute(kCountActive, pg::Params(video_id)).Single()[0].As<std::int64_t>();
}

}  // namespace nedlia::store
