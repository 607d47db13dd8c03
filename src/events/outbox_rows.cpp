#include "events/outbox_rows.hpp"

#include <chrono>

#include "app/errors.hpp"
#include "events/version_copies.hpp"

namespace nedlia::events {
namespace {

const pg::Statement kAppend{"event_append", R"sql(
    INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata,
                           created_by, advertiser_id)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8))sql"};

}  // namespace

domain::Uuid OutboxRows::Append(const app::NewEvent& event) {
  // Before anything is sent: a bad event fails the command, and its transaction with it.
  const Catalog& catalog = settings_.EventCatalog();
  CheckAgainstCatalog(catalog, event.type, event.data);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::vector<OlderVersionCopy> copies =
      OlderVersionCopies(catalog, *catalog.Find(event.type), event.data,
                         std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  const domain::Uuid id = Insert(event, EnvelopeMetadata(event, context_, settings_));
  for (const OlderVersionCopy& copy : copies) {
    app::NewEvent older = event;
    older.type = copy.schema->VersionedType();
    older.data = copy.data;
    nlohmann::json metadata = EnvelopeMetadata(older, context_, settings_);
    MarkAsOlderVersionCopy(metadata, *copy.schema->deprecation,
                           settings_.schema_base_url + event.type, id);
    Insert(older, metadata);
  }
  return id;
}

domain::Uuid OutboxRows::Insert(const app::NewEvent& event, const nlohmann::json& metadata) {
  const domain::Uuid id = domain::Uuid::NewV7();
  std::string data = event.data.dump();
  if (data.size() > settings_.max_data_bytes) {
    // The change and its event commit together or not at all: the request is refused whole.
    throw app::Error(app::ErrorKind::kTooLarge,
                     "the change would publish a " + event.type + " event of " +
                         std::to_string(data.size()) + " bytes; events take at most " +
                         std::to_string(settings_.max_data_bytes) + " (NEDLIA_MAX_EVENT_BYTES)");
  }
  // Nothing to read back: the INSERT travels with the transaction's next statement or COMMIT.
  connection_.Defer(kAppend,
                    pg::Params(id, event.type, event.aggregate_type, event.aggregate_id, data,
                               metadata.dump(), context_.principal.id, event.advertiser_id));
  return id;
}

}  // namespace nedlia::events
