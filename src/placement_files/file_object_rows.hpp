#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/uuid.hpp"
#include "pg/connection.hpp"

namespace nedlia::placement_files {

/// The SQL over placement_file_objects (every placement file written: current, or superseded
/// since when) and placement_file_sweeps (videos whose files predate that record).
class FileObjectRows {
 public:
  explicit FileObjectRows(pg::Connection& connection) : connection_(connection) {}

  /// Records a video's manifest and its track as current. Done before they are written: the
  /// purge then never deletes an object being written (it waits on the row, or sees it
  /// current), and a key superseded before is current again.
  void RecordCurrent(const domain::Uuid& video_id, const std::string& manifest_key,
                     const std::string& track_key);
  /// Marks every other current object of the video superseded now: in the transaction that
  /// points the video's placements at the new manifest.
  void SupersedeAllBut(const domain::Uuid& video_id, const std::vector<std::string>& keys);

  /// Locks up to `limit` objects superseded more than `grace` ago that no live placement names
  /// (neither its file_url, nor the track of the manifest its file_url is), oldest first,
  /// skipping those another transaction holds; returns their keys.
  std::vector<std::string> LockExpired(std::chrono::hours grace, int limit);
  /// How many objects LockExpired would find, without a limit.
  std::int64_t CountExpired(std::chrono::hours grace);
  /// Deletes the rows of these objects (deleted from the store).
  void Forget(const std::vector<std::string>& keys);

  /// Locks one video waiting for its files to be listed and recorded, if any.
  std::optional<domain::Uuid> LockUnswept();
  /// The keys of the manifests the video's live placements name (their file_url).
  std::vector<std::string> ReferencedManifests(const domain::Uuid& video_id);
  /// Records an object found in the store, current or superseded now; a key recorded already
  /// is left as it is.
  void RecordFound(const domain::Uuid& video_id, const std::string& key, bool current,
                   const std::optional<std::string>& track_key);
  void MarkSwept(const domain::Uuid& video_id);

  /// Up to `limit` current objects written more than a minute ago (so that they are in the
  /// store, unless it lost them), newest first: what a node that sees the store finds there.
  std::vector<std::string> SettledCurrent(int limit);

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::placement_files
