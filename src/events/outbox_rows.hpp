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

  domain::Uuid Append(const app::NewEvent& event) override;

 private:
  pg::Connection& connection_;
  const app::CallContext& context_;
  const EnvelopeSettings& settings_;
};

}  // namespace nedlia::events
