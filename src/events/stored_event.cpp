#include "events/stored_event.hpp"

#include "domain/date.hpp"
#include "events/envelope.hpp"

namespace nedlia::events {

CloudEvent StoredEvent::ToCloudEvent() const {
  CloudEvent event;
  event.id = id.ToString();
  event.type = type;
  event.time = domain::FormatRfc3339(created_at_ms);
  event.data = data;
  for (const auto& [name, value] : metadata.items()) {
    if (name == "specversion")
      continue;
    if (name == "source") {
      event.source = value.get<std::string>();
    } else if (name == "subject") {
      event.subject = value.get<std::string>();
    } else if (name == "dataschema") {
      event.dataschema = value.get<std::string>();
    } else if (name == "datacontenttype") {
      event.datacontenttype = value.get<std::string>();
    } else {
      event.extensions[name] = value;
    }
  }
  return event;
}

StoredEvent StoredEvent::FromCloudEvent(const CloudEvent& event) {
  const std::optional<domain::Uuid> id = domain::Uuid::Parse(event.id);
  const std::optional<domain::Uuid> aggregate = domain::Uuid::Parse(event.subject);
  const std::optional<std::int64_t> time = domain::ParseRfc3339Utc(event.time);
  // In lowercase, as every event is written: ids are compared as text downstream (the bus
  // deduplicates by message id), so "…A…" and "…a…" would be two events of one row.
  if (!id || id->ToString() != event.id)
    throw InvalidCloudEvent("id must be a UUID in lowercase, not \"" + event.id + "\"");
  if (!aggregate)
    throw InvalidCloudEvent("subject must be the aggregate's UUID, not \"" + event.subject + "\"");
  if (!time)
    throw InvalidCloudEvent("time must be an RFC 3339 UTC time, not \"" + event.time + "\"");
  nlohmann::json metadata = {{"specversion", "1.0"},
                             {"source", event.source},
                             {"subject", event.subject},
                             {"datacontenttype", event.datacontenttype}};
  if (!event.dataschema.empty())
    metadata["dataschema"] = event.dataschema;
  for (const auto& [name, value] : event.extensions)
    metadata[name] = value;
  return {.id = *id,
          .type = event.type,
          .aggregate_type = AggregateTypeOf(event.source),
          .aggregate_id = *aggregate,
          .data = event.data,
          .metadata = std::move(metadata),
          .created_at_ms = *time};
}

}  // namespace nedlia::events
