#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/uuid.hpp"
#include "pg/connection.hpp"
#include "placement_files/placement_file_content.hpp"

namespace nedlia::placement_files {

/// A video whose files are stale, as marked: `generation` is unique across all marks ever
/// made (a sequence), so a mark read earlier never matches a later one, even after the row
/// was deleted and inserted again.
struct Job {
  domain::Uuid video_id;
  std::int64_t generation = 0;
};

/// An advertiser's placements that a completed regeneration pointed at the new files.
struct RepointedPlacements {
  domain::Uuid advertiser_id;
  std::int64_t placements = 0;
};

/// The generator's SQL over placement_file_jobs and the placement tables.
class PlacementFileRows {
 public:
  /// A video marked now is due `coalesce` later (a mark while it waits keeps that time), so
  /// that a burst of changes to one video costs one regeneration, not one per change.
  explicit PlacementFileRows(pg::Connection& connection,
                             std::chrono::milliseconds coalesce = std::chrono::milliseconds(0))
      : connection_(connection), coalesce_(coalesce) {}

  /// Marks the video of the placement (deleted or not) stale.
  void MarkVideoOfPlacement(const domain::Uuid& placement_id);
  /// Marks stale every video with a live placement of the product.
  void MarkVideosOfProduct(const domain::Uuid& product_id);
  /// Marks stale every video with a live placement of one of the advertiser's products.
  void MarkVideosOfAdvertiser(const domain::Uuid& advertiser_id);

  /// Up to `limit` marks due now (not backing off after a failure), oldest first.
  std::vector<Job> Due(int limit);
  /// The video's active, live placements of live products, sorted by start.
  VideoPlacements Load(const domain::Uuid& video_id);
  /// In the caller's transaction: deletes the mark if it is still `job`'s generation and then
  /// points every live placement of the video at `manifest_url` (a derived write: no new
  /// version, no placement event). Returns, per advertiser, how many placements now point
  /// there that did not before; nullopt, changing nothing, when the video was marked again
  /// meanwhile.
  std::optional<std::vector<RepointedPlacements>> Complete(const Job& job,
                                                           const std::string& manifest_url);
  /// Records a failed attempt: the mark is retried after a backoff that doubles, up to 5 min.
  void Fail(const Job& job, const std::string& error);

 private:
  std::int64_t CoalesceMs() const;

  pg::Connection& connection_;
  std::chrono::milliseconds coalesce_;
};

}  // namespace nedlia::placement_files
