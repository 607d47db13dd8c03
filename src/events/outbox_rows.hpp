#pragma once

#include "app/ports/event_outbox.hpp"
#include "app/principal.hpp"
#include "events/envelope.hpp"
#include "pg/connection.hpp"

namespace nedlia::events {

/// The transactional outbox over event_log, inside the connection's open transaction.
class OutboxRows : public app::EventOutbox {
 public:
  OutboxRows(pg::Connection& connection, const app::CallContext& context,
             const EnvelopeSettings& settings)
      : connection_(connection), context_(context), settings_(settings) {}

  /// Writes the event and, during a migration window of an older version of its type, a copy
  /// at that version (see version_copies.hpp); returns the event's id.
  domain::Uuid Append(const app::NewEvent& event) override;

 private:
  domain::Uuid Insert(const app::NewEvent& event, const nlohmann::json& metadata);

  pg::Connection& connection_;
  const app::CallContext& context_;
  const EnvelopeSettings& settings_;
};

}  // namespace nedlia::events
