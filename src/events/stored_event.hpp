#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/ports/event_feed.hpp"
#include "domain/uuid.hpp"
#include "events/cloud_event.hpp"

namespace nedlia::events {

/// See app::LogPosition: the log's order, shared with the application's event feed.
using LogPosition = app::LogPosition;

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
  /// Set instead of data and metadata (left null) for a consumer that reads events as text
  /// (consumers::ConsumerOptions::as_text): the structured-mode CloudEvent, ready to send.
  std::string structured_text;

  /// The CloudEvent as published: id, type, time and data from the row, the rest from metadata.
  CloudEvent ToCloudEvent() const;
  /// The inverse, for an event read back from the bus: the aggregate comes from subject and
  /// source ("/placements" -> placement); the log position is unknown. Throws
  /// InvalidCloudEvent when subject is not a UUID or time is not an RFC 3339 UTC time.
  static StoredEvent FromCloudEvent(const CloudEvent& event);
};

}  // namespace nedlia::events
