#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/uuid.hpp"

namespace nedlia::app {

/// A change's CloudEvent, before the envelope is made: the outbox adds id, time, source,
/// specversion and the extension attributes.
struct NewEvent {
  std::string type;            ///< e.g. "com.nedlia.placement.created.v1"
  std::string aggregate_type;  ///< e.g. "placement"
  domain::Uuid aggregate_id;
  /// The advertiser whose data the event is about (none for the shared video catalog): an
  /// advertiser key sees only its own advertiser's events in the event feed.
  std::optional<domain::Uuid> advertiser_id;
  nlohmann::json data;
};

/// The transactional outbox: events appended here commit or roll back with the changes of the
/// same transaction.
class EventOutbox {
 public:
  virtual ~EventOutbox() = default;
  /// Appends the event to the log; returns its id.
  virtual domain::Uuid Append(const NewEvent& event) = 0;
};

}  // namespace nedlia::app
