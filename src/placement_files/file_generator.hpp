#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/ports/object_store.hpp"
#include "consumers/consumer.hpp"
#include "events/envelope.hpp"
#include "pg/pool.hpp"
#include "placement_files/placement_file_rows.hpp"

namespace nedlia::placement_files {

inline constexpr const char* kFileGeneratorName = "file-generator";

/// The events whose change can show in the files, at their current versions (older ones are
/// upcast). The file generator subscribes to what the catalog routes to it, which must be
/// exactly these (a test holds them together).
const std::vector<std::string>& FileGeneratorHandledTypes();

/// Regenerates the placement files of the videos the file-generator's events marked stale:
/// each from the database's current rows, both files recorded (placement_file_objects) and
/// then written (content-addressed, so never overwritten in place) before file_url points at
/// them, in a transaction that also clears the mark only if no newer event marked the video
/// again, and marks the files it replaces superseded (retention deletes them after a grace
/// period). That transaction also writes a video.placement_file_published event for each
/// advertiser whose placements it pointed at the new files, so integrators hear of them. A
/// crash anywhere leaves the mark (it is redone) and file_url on complete files; a file written
/// but never pointed at stays recorded as current until the redo supersedes it.
class Regenerator {
 public:
  /// `envelope` is stamped on the video.placement_file_published events it writes.
  Regenerator(pg::Pool& pool, app::ObjectStore& store, events::EnvelopeSettings envelope = {})
      : pool_(pool), store_(store), envelope_(std::move(envelope)) {}

  /// Regenerates the videos due now, up to `limit`; returns how many it completed. Stops at
  /// the first unavailable store (the rest would fail the same way); marks stay, backing off.
  int RunOnce(int limit = 50);
  /// Regenerations completed since construction (for tests and logs).
  std::int64_t Completed() const { return completed_.load(); }

 private:
  /// A video's two files, rendered, and their keys.
  struct Files {
    std::string track_key, track, manifest_key, manifest;
  };

  Files Render(const VideoPlacements& video) const;
  void Write(const Files& files);
  bool Regenerate(const Job& job);
  /// Writes a video.placement_file_published event for each advertiser in `repointed`.
  void Announce(pg::Connection& connection, const domain::Uuid& video_id,
                const std::string& file_url, const std::vector<RepointedPlacements>& repointed);

  pg::Pool& pool_;
  app::ObjectStore& store_;
  events::EnvelopeSettings envelope_;
  std::atomic<std::int64_t> completed_{0};
};

/// The file-generator consumer: its handler marks the videos an event concerns (placement
/// created, updated, deleted; product and advertiser changes that rename what the files show)
/// in the delivery transaction, and after each pass `regenerator` regenerates them. A video
/// is regenerated `coalesce` after the first of the changes that marked it (the files of a video
/// with thousands of placements changing many times a second are rendered about once per
/// `coalesce`, not once per pass).
consumers::Consumer MakeFileGenerator(
    pg::Pool& pool, Regenerator& regenerator,
    std::chrono::milliseconds coalesce = std::chrono::milliseconds(0));

/// "placements/<video>/<sha256 of bytes>.<extension>".
std::string ContentKey(const domain::Uuid& video_id, const std::string& bytes,
                       const std::string& extension);

}  // namespace nedlia::placement_files
