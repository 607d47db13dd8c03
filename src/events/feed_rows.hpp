#pragma once

#include <cstdint>
#include <vector>

#include "app/ports/event_feed.hpp"
#include "pg/connection.hpp"

namespace nedlia::events {

/// A page of the feed and the log's final horizon in the same snapshot: every event of a
/// transaction below the horizon is final, and the page holds all of those that match the
/// query after its cursor unless it is full.
struct FeedPage {
  std::vector<app::FeedEvent> events;
  std::uint64_t horizon = 0;  ///< pg_snapshot_xmin of the page's snapshot
};

/// The EventFeed port over event_log.
class FeedRows : public app::EventFeed {
 public:
  explicit FeedRows(pg::Connection& connection) : connection_(connection) {}

  std::vector<app::FeedEvent> Read(const app::FeedQuery& query) override;
  /// The same page with the horizon it was read at (one statement, so one snapshot).
  FeedPage ReadPage(const app::FeedQuery& query);
  /// The log's final horizon now: every event of a transaction below it is final.
  std::uint64_t FinalHorizon();

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::events
