#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/uuid.hpp"

namespace nedlia::app {

/// Where an event stands in the log. Readers walk the log in commit order: each transaction
/// that wrote events has a number in the order it committed (its sequence), and its events
/// follow one another by position. Clients see "<transaction_id>-<position>", which names one
/// event (one transaction has one sequence); the sequence is 0 while not known, as in a
/// client's cursor before the database resolved it.
struct LogPosition {
  std::uint64_t transaction_id = 0;
  std::int64_t position = 0;
  std::int64_t sequence = 0;

  /// Commit order: by sequence, then by position.
  friend std::strong_ordering operator<=>(const LogPosition& a, const LogPosition& b) {
    if (const auto by_sequence = a.sequence <=> b.sequence; std::is_neq(by_sequence))
      return by_sequence;
    return a.position <=> b.position;
  }
  friend bool operator==(const LogPosition& a, const LogPosition& b) {
    return a.sequence == b.sequence && a.position == b.position;
  }
  /// Its commit number is known (or it is the log's start), so it compares in commit order.
  bool Numbered() const { return sequence > 0 || transaction_id == 0; }
  /// Past every event of the transaction numbered `sequence`: a reader that has seen every
  /// transaction numbered up to it stands here (it is no event's position).
  static LogPosition Through(std::int64_t sequence, std::uint64_t transaction_id);
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
