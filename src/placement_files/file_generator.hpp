#pragma once

#include <atomic>
#include <cstdint>

#include "app/ports/object_store.hpp"
#include "delivery/consumer.hpp"
#include "pg/pool.hpp"
#include "placement_files/placement_file_rows.hpp"

namespace nedlia::placement_files {

inline constexpr const char* kFileGeneratorName = "file-generator";

/// Regenerates the placement files of the videos the file-generator's events marked stale:
/// each from the database's current rows, both files recorded (placement_file_objects) and
/// then written (content-addressed, so never overwritten in place) before file_url points at
/// them, in a transaction that also clears the mark only if no newer event marked the video
/// again, and marks the files it replaces superseded (retention deletes them after a grace
/// period). A crash anywhere leaves the mark (it is redone) and file_url on complete files; a
/// file written but never pointed at stays recorded as current until the redo supersedes it.
class Regenerator {
 public:
  Regenerator(pg::Pool& pool, app::ObjectStore& store) : pool_(pool), store_(store) {}

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

  pg::Pool& pool_;
  app::ObjectStore& store_;
  std::atomic<std::int64_t> completed_{0};
};

/// The file-generator consumer: its handler marks the videos an event concerns (placement
/// created, updated, deleted; product and advertiser changes that rename what the files show)
/// in the delivery transaction, and after each pass `regenerator` regenerates them. A video
/// is regenerated `coalesce` after the first of the changes that marked it (the files of a video
/// with thousands of placements changing many times a second are rendered about once per
/// `coalesce`, not once per pass).
delivery::Consumer MakeFileGenerator(
    pg::Pool& pool, Regenerator& regenerator,
    std::chrono::milliseconds coalesce = std::chrono::milliseconds(0));

/// "placements/<video>/<sha256 of bytes>.<extension>".
std::string ContentKey(const domain::Uuid& video_id, const std::string& bytes,
                       const std::string& extension);

}  // namespace nedlia::placement_files
