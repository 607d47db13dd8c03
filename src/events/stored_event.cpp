#include "events/stored_event.hpp"

#include "domain/date.hpp"

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
    if (name == "source")
      event.source = value.get<std::string>();
    else if (name == "subject")
      event.subject = value.get<std::string>();
    else if (name == "dataschema")
      event.dataschema = value.get<std::string>();
    else if (name == "datacontenttype")
      event.datacontenttype = value.get<std::string>();
    else
      event.extensions[name] = value;
  }
  return event;
}

}  // namespace nedlia::events
