#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "events/feed_rows.hpp"
#include "pg/connection.hpp"

namespace nedlia::streams {

/// The event log, read on a connection of the reader's own (never the API's pool), opened on
/// first use and again after Reset. Cancel, from any thread, ends a read in progress and every
/// later one, so that a stopping hub never waits for a query.
class LogReader {
 public:
  LogReader(std::string url, std::chrono::milliseconds statement_timeout)
      : url_(std::move(url)), statement_timeout_(statement_timeout) {}

  /// See events::FeedRows::ReadPage.
  events::FeedPage ReadPage(const app::FeedQuery& query);
  /// See events::FeedRows::Top.
  app::LogPosition Top();
  /// See events::CommitOrder::SequenceFinal: where readers number the transactions (no
  /// logical decoding), the log's tail numbers what became final before it reads.
  void SequenceFinal();
  /// Drops the connection (after a failure): the next read opens another.
  void Reset();
  /// Cancels the read in progress, if any, and makes every later one fail at once.
  void Cancel();

 private:
  pg::Connection& Connected();

  std::string url_;
  std::chrono::milliseconds statement_timeout_;
  std::mutex mutex_;  ///< connection_ being replaced, against Cancel
  std::optional<pg::Connection> connection_;
  bool cancelled_ = false;
};

}  // namespace nedlia::streams
