#include "placement_files/placement_file_rows.hpp"

namespace nedlia::placement_files {
namespace {

// Every mark takes a fresh generation from the sequence; the subquery makes each video appear
// once, as ON CONFLICT DO UPDATE may touch a row only once per statement.
std::string MarkVideosWhere(const std::string& condition) {
  return "INSERT INTO placement_file_jobs (video_id, generation, not_before) "
         "SELECT video_id, nextval('placement_file_generation'), "
         "now() + $2::int8 * interval '1 millisecond' FROM "
         "(SELECT DISTINCT p.video_id FROM placements p WHERE " +
         condition +
         ") AS stale "
         "ON CONFLICT (video_id) DO UPDATE "
         "SET generation = EXCLUDED.generation, marked_at = now()";
}

}  // namespace

std::int64_t PlacementFileRows::CoalesceMs() const {
  return static_cast<std::int64_t>(coalesce_.count());
}

void PlacementFileRows::MarkVideoOfPlacement(const domain::Uuid& placement_id) {
  connection_.Execute(MarkVideosWhere("p.id = $1"), pg::Params(placement_id, CoalesceMs()));
}

void PlacementFileRows::MarkVideosOfProduct(const domain::Uuid& product_id) {
  connection_.Execute(MarkVideosWhere("p.product_id = $1 AND p.deleted_at IS NULL"),
                      pg::Params(product_id, CoalesceMs()));
}

void PlacementFileRows::MarkVideosOfAdvertiser(const domain::Uuid& advertiser_id) {
  connection_.Execute(MarkVideosWhere("p.deleted_at IS NULL AND p.product_id IN "
                                      "(SELECT id FROM products WHERE advertiser_id = $1)"),
                      pg::Params(advertiser_id, CoalesceMs()));
}

std::vector<Job> PlacementFileRows::Due(int limit) {
  std::vector<Job> jobs;
  const pg::Result result = connection_.Execute(
      "SELECT video_id, generation FROM placement_file_jobs WHERE not_before <= now() "
      "ORDER BY not_before, video_id LIMIT $1",
      pg::Params(limit));
  for (const pg::Row& row : result) {
    auto [video_id, generation] = row.As<domain::Uuid, std::int64_t>();
    jobs.push_back({.video_id = video_id, .generation = generation});
  }
  return jobs;
}

VideoPlacements PlacementFileRows::Load(const domain::Uuid& video_id) {
  VideoPlacements video{.video_id = video_id, .placements = {}};
  const pg::Result result = connection_.Execute(
      "SELECT p.id, p.product_id, pr.name, pr.advertiser_id, a.name, "
      "(p.start_time * 1000)::bigint, (p.end_time * 1000)::bigint, p.position::text "
      "FROM placements p JOIN products pr ON pr.id = p.product_id "
      "JOIN advertisers a ON a.id = pr.advertiser_id "
      "WHERE p.video_id = $1 AND p.deleted_at IS NULL AND p.status = 'active' "
      "AND pr.deleted_at IS NULL "
      "ORDER BY p.start_time, p.end_time, p.id",
      pg::Params(video_id));
  for (const pg::Row& row : result) {
    video.placements.push_back(
        row.To<FilePlacement, domain::Uuid, domain::Uuid, std::string, domain::Uuid, std::string,
               std::int64_t, std::int64_t, std::optional<std::string>>());
  }
  return video;
}

std::optional<std::vector<RepointedPlacements>> PlacementFileRows::Complete(
    const Job& job, const std::string& manifest_url) {
  const pg::Result cleared =
      connection_.Execute("DELETE FROM placement_file_jobs WHERE video_id = $1 AND generation = $2",
                          pg::Params(job.video_id, job.generation));
  if (cleared.AffectedRows() == 0)
    return std::nullopt;
  // Local to this transaction: the placements trigger then keeps version and updated_at.
  connection_.Execute("SELECT set_config('nedlia.derived_write', 'on', true)");
  const pg::Result repointed = connection_.Execute(R"sql(
      WITH changed AS (
        UPDATE placements SET file_url = $2
        WHERE video_id = $1 AND deleted_at IS NULL AND file_url IS DISTINCT FROM $2
        RETURNING product_id)
      SELECT pr.advertiser_id, count(*)
      FROM changed c JOIN products pr ON pr.id = c.product_id
      GROUP BY pr.advertiser_id ORDER BY pr.advertiser_id)sql",
                                                   pg::Params(job.video_id, manifest_url));
  connection_.Execute("SELECT set_config('nedlia.derived_write', 'off', true)");
  // No placement event says file_url changed: the read model is kept in step here. The lock makes
  // the projector's writes wait (they take their snapshot after it), so none of them can put an
  // older file_url back.
  connection_.Execute("LOCK TABLE placement_details IN SHARE ROW EXCLUSIVE MODE");
  connection_.Execute(
      "UPDATE placement_details SET file_url = $2 "
      "WHERE video_id = $1 AND file_url IS DISTINCT FROM $2",
      pg::Params(job.video_id, manifest_url));
  std::vector<RepointedPlacements> by_advertiser;
  for (const pg::Row& row : repointed) {
    by_advertiser.push_back(
        {.advertiser_id = row[0].As<domain::Uuid>(), .placements = row[1].As<std::int64_t>()});
  }
  return by_advertiser;
}

void PlacementFileRows::Fail(const Job& job, const std::string& error) {
  connection_.Execute(
      "UPDATE placement_file_jobs SET attempts = attempts + 1, last_error = $2, "
      "not_before = now() + least(interval '1 second' * power(2, attempts), interval '5 minutes') "
      "WHERE video_id = $1",
      pg::Params(job.video_id, error));
}

}  // namespace nedlia::placement_files
