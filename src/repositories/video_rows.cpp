#include "repositories/video_rows.hpp"

#include <string>

#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

using domain::kSecondsDecimals;

// The columns every query returns, and where RowToVideo finds each. A metadata NULL (the
// column is nullable in the specification) reads as the empty object it defaults to.
struct VideoColumns : EntityColumns {
  int id = Add("v.id");
  int title = Add("v.title");
  int duration = Add("v.duration::text");
  int source_url = Add("v.source_url");
  int status = Add("v.status");
  int metadata = Add("COALESCE(v.metadata, '{}')::text");
  AuditColumns audit = AddAudit("v");
};
const VideoColumns kColumn;
const std::string kColumns = kColumn.Sql();

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM videos v WHERE v.id = $1 AND v.deleted_at IS NULL";
const std::string kInsertSql = R"sql(
    INSERT INTO videos AS v (id, title, duration, source_url, status, metadata, created_by)
    VALUES ($1, $2, $3::numeric, $4, $5, $6::jsonb, $7)
    RETURNING )sql" + kColumns;
const std::string kUpdateSql = R"sql(
    UPDATE videos AS v
    SET title = $2, duration = $3::numeric, source_url = $4, status = $5, metadata = $6::jsonb
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

const LockedFind kFind{"video_find", kFindSql};
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
  return domain::Video{.id = row[kColumn.id].As<domain::Uuid>(),
                       .title = row[kColumn.title].As<std::string>(),
                       .duration_ms = ScaledDecimal(row[kColumn.duration], kSecondsDecimals),
                       .source_url = row[kColumn.source_url].As<std::optional<std::string>>(),
                       .status = StatusOf<domain::VideoStatus>(row[kColumn.status]),
                       .metadata = row[kColumn.metadata].As<std::string>(),
                       .audit = AuditOf(row, kColumn.audit)};
}

}  // namespace

std::optional<domain::Video> VideoRows::Find(const domain::Uuid& id, app::RowLock lock) {
  const pg::Result result = connection_.Execute(kFind.For(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToVideo(result[0]);
}

app::Page<domain::Video> VideoRows::List(const app::VideoFilter& filter,
                                         const app::PageRequest& page) {
  return KeysetQuery("SELECT " + kColumns + " FROM videos v WHERE v.deleted_at IS NULL", "v.id")
      .WhereIf("v.status =", StatusText(filter.status))
      .ReadPage(connection_, page, RowToVideo, kIdOf);
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

}  // namespace nedlia::repositories
