#pragma once

#include "app/ports/video_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// VideoStore over PostgreSQL, inside the connection's open transaction.
class VideoRows : public app::VideoStore {
 public:
  explicit VideoRows(pg::Connection& connection) : connection_(connection) {}

  std::optional<domain::Video> Find(const domain::Uuid& id, app::RowLock lock) override;
  app::Page<domain::Video> List(const app::VideoFilter& filter,
                                const app::PageRequest& page) override;
  domain::Video Insert(const domain::Video& video) override;
  domain::Video Update(const domain::Video& video) override;
  void SoftDelete(const domain::Uuid& id) override;
  std::int64_t CountPlacementsEndingAfter(const domain::Uuid& video_id,
                                          std::int64_t duration_ms) override;
  std::int64_t CountActivePlacements(const domain::Uuid& video_id) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::repositories
