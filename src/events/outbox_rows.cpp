#include "events/outbox_rows.hpp"

namespace nedlia::events {
namespace {

const pg::Statement kAppend{"event_append", R"sql(
    INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata,
                           created_by, advertiser_id)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8))sql"};

}  // namespace

domain::Uuid OutboxRows::Append(const app::NewEvent& event) {
  // Before anything is sent: a bad event fails the command, and its transaction with it.
  CheckAgainstCatalog(settings_.EventCatalog(), event.type, event.data);
  const domain::Uuid id = domain::Uuid::NewV7();
  // Nothing to read back: the INSERT travels with the transaction's next statement or COMMIT.
  connection_.Defer(
      kAppend, pg::Params(id, event.type, event.aggregate_type, event.aggregate_id,
                          event.data.dump(), EnvelopeMetadata(event, context_, settings_).dump(),
                          context_.principal.id, event.advertiser_id));
  return id;
}

}  // namespace nedlia::events
