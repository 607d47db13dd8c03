#pragma once

#include "app/ports/event_feed.hpp"
#include "pg/connection.hpp"

namespace nedlia::events {

/// The EventFeed port over event_log.
class FeedRows : public app::EventFeed {
 public:
  explicit FeedRows(pg::Connection& connection) : connection_(connection) {}

  std::vector<app::FeedEvent> Read(const app::FeedQuery& query) override;

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::events
