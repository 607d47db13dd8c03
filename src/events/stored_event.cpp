#include "events/stored_event.hpp"

#include <chrono>
#include <cstdio>

namespace nedlia::events {

std::string FormatTime(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(epoch_ms)};
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char text[32];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

CloudEvent StoredEvent::ToCloudEvent() const {
  CloudEvent event;
  event.id = id.ToString();
  event.type = type;
  event.time = FormatTime(created_at_ms);
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
