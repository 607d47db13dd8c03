#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/uuid.hpp"

namespace nedlia::app {

/// Where an event stands in the log. Readers walk (transaction_id, position) upwards, below
/// the oldest transaction still running, so that an event committed late is never skipped.
struct LogPosition {
  std::uint64_t transaction_id = 0;
  std::int64_t position = 0;

  auto operator<=>(const LogPosition&) const = default;
  /// The last position a transaction below `horizon` can hold: a reader that has seen every
  /// event of those transactions stands here (it is no event's position).
  static LogPosition Below(std::uint64_t horizon);
  /// "<transaction_id>-<position>", the opaque cursor clients see.
  std::string ToString() const;
  static std::optional<LogPosition> Parse(std::string_view text);
};

/// An event of the feed: the CloudEvent's parts as the log keeps them.
struct FeedEvent {
  domain::Uuid id;
  std::string type;
  nlohmann::json data;
  nlohmann::json metadata;  ///< the envelope's other attributes (source, subject, ...)
  std::int64_t created_at_ms = 0;
  LogPosition at;
  std::optional<domain::Uuid> advertiser_id;  ///< whose event it is (none: the video catalog's)
};

struct FeedQuery {
  std::optional<LogPosition> after;        ///< the feed starts after it (none: the log's start)
  std::vector<std::string> types;          ///< only these types (empty: all)
  std::optional<domain::Uuid> advertiser;  ///< only this advertiser's events
  int limit = 100;
  /// A page also ends once its events' data and metadata pass this many bytes (it holds one
  /// event at least): a count alone lets a page of large events weigh hundreds of megabytes.
  std::size_t max_bytes = std::size_t{1024} * 1024;
};

/// The event log read as a feed: committed events only, final ones (a later commit never
/// lands before the last one returned), in log order.
class EventFeed {
 public:
  virtual ~EventFeed() = default;
  virtual std::vector<FeedEvent> Read(const FeedQuery& query) = 0;
};

}  // namespace nedlia::app
