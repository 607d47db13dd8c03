#pragma once

#include <cstdint>
#include <vector>

#include "app/ports/event_feed.hpp"
#include "pg/connection.hpp"

namespace nedlia::events {

/// A page of the feed and the last numbered transaction in the same snapshot: unless it is
/// full, the page holds every event that matches the query after its cursor up to `top`.
struct FeedPage {
  std::vector<app::FeedEvent> events;
  app::LogPosition top;  ///< past the last transaction numbered in commit order
};

/// The EventFeed port over event_log.
class FeedRows : public app::EventFeed {
 public:
  explicit FeedRows(pg::Connection& connection) : connection_(connection) {}

  std::vector<app::FeedEvent> Read(const app::FeedQuery& query) override;
  /// The same page with the top it was read at (one statement, so one snapshot).
  FeedPage ReadPage(const app::FeedQuery& query);
  /// Past the last transaction numbered in commit order now.
  app::LogPosition Top();

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::events
