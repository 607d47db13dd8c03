#pragma once

#include <cstdint>
#include <optional>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

struct VideoFilter {
  std::optional<domain::VideoStatus> status;
};

/// Videos (the platform's catalog) in the system of record, within the caller's transaction.
class VideoStore {
 public:
  virtual ~VideoStore() = default;

  /// A live video, held as `lock` says.
  virtual std::optional<domain::Video> Find(const domain::Uuid& id, RowLock lock) = 0;
  virtual Page<domain::Video> List(const VideoFilter& filter, const PageRequest& page) = 0;
  /// Inserts and returns the stored row (with database defaults).
  virtual domain::Video Insert(const domain::Video& video) = 0;
  /// Writes every mutable field; returns the stored row (its new version).
  virtual domain::Video Update(const domain::Video& video) = 0;
  /// Marks it deleted.
  virtual void SoftDelete(const domain::Uuid& id) = 0;

  /// How many live placements of the video end after `duration_ms`.
  virtual std::int64_t CountPlacementsEndingAfter(const domain::Uuid& video_id,
                                                  std::int64_t duration_ms) = 0;
  /// How many live placements of the video are active.
  virtual std::int64_t CountActivePlacements(const domain::Uuid& video_id) = 0;
};

}  // namespace nedlia::app
