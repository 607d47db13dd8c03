#include "placement_files/file_object_rows.hpp"

#include <string>

namespace nedlia::placement_files {
namespace {

// A file_url is the manifest's public URL: whatever the store's base, it ends with the key.
const std::string kManifestKey =
    R"(substring(p.file_url FROM '(placements/[0-9a-f-]{36}/[0-9a-f]{64}\.json)$'))";

const pg::Statement kRecordCurrent{"placement_files_record_current", R"sql(
    INSERT INTO placement_file_objects (key, video_id, track_key)
    VALUES ($2, $1, $3), ($3, $1, NULL)
    ON CONFLICT (key) DO UPDATE SET superseded_at = NULL, track_key = EXCLUDED.track_key)sql"};

const pg::Statement kSupersede{"placement_files_supersede", R"sql(
    UPDATE placement_file_objects SET superseded_at = now()
    WHERE video_id = $1 AND superseded_at IS NULL AND key <> ALL ($2::text[]))sql"};

// Named again by a live placement means in use, whatever the record says: an older release's
// file-generator (during a rolling deploy or after a rollback) sets file_url without it.
const std::string kExpiredWhere =
    " FROM placement_file_objects o"
    " WHERE o.superseded_at < now() - make_interval(hours => $1) AND NOT EXISTS ("
    " SELECT 1 FROM placements p LEFT JOIN placement_file_objects m ON m.key = " +
    kManifestKey + " WHERE p.video_id = o.video_id AND p.deleted_at IS NULL AND (" + kManifestKey +
    " = o.key OR m.track_key = o.key))";
const std::string kLockExpiredSql =
    "SELECT o.key" + kExpiredWhere +
    " ORDER BY o.superseded_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED";
const std::string kCountExpiredSql = "SELECT count(*)" + kExpiredWhere;
const pg::Statement kLockExpired{"placement_files_lock_expired", kLockExpiredSql};
const pg::Statement kCountExpired{"placement_files_count_expired", kCountExpiredSql};

const pg::Statement kForget{"placement_files_forget", R"sql(
    DELETE FROM placement_file_objects WHERE key = ANY ($1::text[]))sql"};

// A key is recorded just before its object is written: a minute later it is there.
const pg::Statement kSettledCurrent{"placement_files_settled_current", R"sql(
    SELECT key FROM placement_file_objects
    WHERE superseded_at IS NULL AND written_at < now() - interval '1 minute'
    ORDER BY written_at DESC LIMIT $1)sql"};

const pg::Statement kLockUnswept{"placement_files_lock_unswept", R"sql(
    SELECT video_id FROM placement_file_sweeps LIMIT 1 FOR UPDATE SKIP LOCKED)sql"};

const std::string kReferencedManifestsSql =
    "SELECT DISTINCT " + kManifestKey +
    " FROM placements p WHERE p.video_id = $1 AND p.deleted_at IS NULL AND p.file_url IS NOT NULL";
const pg::Statement kReferencedManifests{"placement_files_referenced_manifests",
                                         kReferencedManifestsSql};

const pg::Statement kRecordFound{"placement_files_record_found", R"sql(
    INSERT INTO placement_file_objects (key, video_id, track_key, superseded_at)
    VALUES ($2, $1, $4, CASE WHEN $3::bool THEN NULL ELSE now() END)
    ON CONFLICT (key) DO NOTHING)sql"};

const pg::Statement kMarkSwept{"placement_files_mark_swept",
                               "DELETE FROM placement_file_sweeps WHERE video_id = $1"};

int Hours(std::chrono::hours grace) {
  return static_cast<int>(grace.count());
}

}  // namespace

void FileObjectRows::RecordCurrent(const domain::Uuid& video_id, const std::string& manifest_key,
                                   const std::string& track_key) {
  connection_.Execute(kRecordCurrent, pg::Params(video_id, manifest_key, track_key));
}

void FileObjectRows::SupersedeAllBut(const domain::Uuid& video_id,
                                     const std::vector<std::string>& keys) {
  connection_.Execute(kSupersede, pg::Params(video_id, keys));
}

std::vector<std::string> FileObjectRows::LockExpired(std::chrono::hours grace, int limit) {
  std::vector<std::string> keys;
  for (const pg::Row& row : connection_.Execute(kLockExpired, pg::Params(Hours(grace), limit)))
    keys.push_back(row[0].As<std::string>());
  return keys;
}

std::int64_t FileObjectRows::CountExpired(std::chrono::hours grace) {
  return connection_.Execute(kCountExpired, pg::Params(Hours(grace)))
      .Single()[0]
      .As<std::int64_t>();
}

void FileObjectRows::Forget(const std::vector<std::string>& keys) {
  connection_.Execute(kForget, pg::Params(keys));
}

std::optional<domain::Uuid> FileObjectRows::LockUnswept() {
  const pg::Result result = connection_.Execute(kLockUnswept);
  if (result.Empty())
    return std::nullopt;
  return result[0][0].As<domain::Uuid>();
}

std::vector<std::string> FileObjectRows::ReferencedManifests(const domain::Uuid& video_id) {
  std::vector<std::string> keys;
  for (const pg::Row& row : connection_.Execute(kReferencedManifests, pg::Params(video_id))) {
    if (auto key = row[0].As<std::optional<std::string>>())
      keys.push_back(std::move(*key));
  }
  return keys;
}

void FileObjectRows::RecordFound(const domain::Uuid& video_id, const std::string& key, bool current,
                                 const std::optional<std::string>& track_key) {
  connection_.Execute(kRecordFound, pg::Params(video_id, key, current, track_key));
}

void FileObjectRows::MarkSwept(const domain::Uuid& video_id) {
  connection_.Execute(kMarkSwept, pg::Params(video_id));
}

std::vector<std::string> FileObjectRows::SettledCurrent(int limit) {
  std::vector<std::string> keys;
  for (const pg::Row& row : connection_.Execute(kSettledCurrent, pg::Params(limit)))
    keys.push_back(row[0].As<std::string>());
  return keys;
}

}  // namespace nedlia::placement_files
