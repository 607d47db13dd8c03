#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/uuid.hpp"
#include "events/cloud_event.hpp"

namespace nedlia::events {

/// Where an event stands in the log: readers walk (transaction_id, position) upwards, below
/// the oldest transaction still running, so that a late commit is never skipped.
struct LogPosition {
  std::uint64_t transaction_id = 0;
  std::int64_t position = 0;

  auto operator<=>(const LogPosition&) const = default;
  /// "<transaction_id>-<position>", the opaque cursor clients see.
  std::string ToString() const;
  static std::optional<LogPosition> Parse(std::string_view text);
};

/// One row of event_log.
struct StoredEvent {
  domain::Uuid id;
  std::string type;
  std::string aggregate_type;
  domain::Uuid aggregate_id;
  nlohmann::json data;
  nlohmann::json metadata;  ///< the envelope's other attributes (source, subject, ...)
  std::int64_t created_at_ms = 0;
  std::optional<domain::Uuid> created_by;
  LogPosition at;

  /// The CloudEvent as published: id, type, time and data from the row, the rest from metadata.
  CloudEvent ToCloudEvent() const;
};

/// RFC 3339 in UTC with milliseconds: 2026-11-25T17:00:00.123Z.
std::string FormatTime(std::int64_t epoch_ms);

}  // namespace nedlia::events
