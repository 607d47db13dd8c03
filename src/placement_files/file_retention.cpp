#include "placement_files/file_retention.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pg/transaction.hpp"
#include "placement_files/file_object_rows.hpp"

namespace nedlia::placement_files {
namespace {

/// One batch; returns how many files it deleted.
std::int64_t PurgeBatch(pg::Connection& connection, app::ObjectStore& store,
                        std::chrono::hours grace, int batch) {
  pg::Transaction tx(connection, {});
  FileObjectRows rows(connection);
  const std::vector<std::string> keys = rows.LockExpired(grace, batch);
  for (const std::string& key : keys)
    store.Delete(key);  // an object already gone (a batch interrupted before) is no error
  rows.Forget(keys);
  tx.Commit();
  return static_cast<std::int64_t>(keys.size());
}

/// The key of the track `manifest_key` names, read from the manifest; nullopt when it names
/// none of this video's keys (or cannot be read as one).
std::optional<std::string> TrackOf(app::ObjectStore& store, const std::string& manifest_key,
                                   const std::string& video_prefix) {
  const nlohmann::json manifest =
      nlohmann::json::parse(store.Get(manifest_key).bytes, nullptr, /*allow_exceptions=*/false);
  if (!manifest.is_object() || !manifest.contains("webvtt_url") ||
      !manifest["webvtt_url"].is_string())
    return std::nullopt;
  const std::string url = manifest["webvtt_url"].get<std::string>();
  const std::size_t at = url.rfind(video_prefix);
  if (at == std::string::npos)
    return std::nullopt;
  return url.substr(at);
}

/// Lists one video's objects and records them; in the caller's transaction.
void RecordVideoFiles(FileObjectRows& rows, app::ObjectStore& store, const domain::Uuid& video) {
  const std::string prefix = "placements/" + video.ToString() + "/";
  std::vector<std::string> current;
  for (const std::string& manifest : rows.ReferencedManifests(video)) {
    // Another video's manifest (a placement moved here) is that video's to record.
    if (!manifest.starts_with(prefix) || !store.Head(manifest))
      continue;
    const std::optional<std::string> track = TrackOf(store, manifest, prefix);
    rows.RecordFound(video, manifest, true, track);
    current.push_back(manifest);
    if (track) {
      rows.RecordFound(video, *track, true, std::nullopt);
      current.push_back(*track);
    }
  }
  for (const app::ObjectInfo& object : store.List(prefix)) {
    if (std::find(current.begin(), current.end(), object.key) == current.end())
      rows.RecordFound(video, object.key, false, std::nullopt);
  }
  rows.MarkSwept(video);
}

}  // namespace

std::int64_t PurgeSupersededFiles(pg::Connection& connection, app::ObjectStore& store,
                                  std::chrono::hours grace, int batch) {
  std::int64_t deleted = 0;
  try {
    for (;;) {
      const std::int64_t done = PurgeBatch(connection, store, grace, batch);
      deleted += done;
      if (done < batch)
        return deleted;
    }
  } catch (const std::exception&) {
    // The batches before the failure are done for good: say so, the caller reports the error.
    if (deleted > 0)
      spdlog::info("retention: deleted {} superseded placement file(s) before failing", deleted);
    throw;
  }
}

std::int64_t CountSupersededFiles(pg::Connection& connection, std::chrono::hours grace) {
  return FileObjectRows(connection).CountExpired(grace);
}

int RecordUnrecordedFiles(pg::Connection& connection, app::ObjectStore& store, int limit) {
  int videos = 0;
  while (videos < limit) {
    pg::Transaction tx(connection, {});
    FileObjectRows rows(connection);
    const std::optional<domain::Uuid> video = rows.LockUnswept();
    if (!video)
      return videos;
    RecordVideoFiles(rows, store, *video);
    tx.Commit();
    ++videos;
  }
  return videos;
}

}  // namespace nedlia::placement_files
