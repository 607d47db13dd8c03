// CloudEvents in structured mode, as the JetStream consumers decode a message from the bus and
// `nedlia events validate` reads a file: the JSON text, the envelope rules, the event_log row
// the consumers hand on, the catalog check, and the upcast an older version goes through.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "domain/date.hpp"
#include "events/catalog.hpp"
#include "events/cloud_event.hpp"
#include "events/envelope.hpp"
#include "events/stored_event.hpp"
#include "events/upcaster.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

using events::CloudEvent;

void CheckRoundTrips(const CloudEvent& event) {
  const nlohmann::json structured = events::ToStructured(event);
  Check(events::FromStructured(structured) == event, "structured mode round-trips");
  Check(events::ParseStructured(structured.dump()) == event, "the JSON text round-trips");
}

/// The row a consumer gets from the bus, and the event it would publish again from that row.
std::optional<events::StoredEvent> CheckStored(const CloudEvent& event) {
  const auto stored = ParseOr<events::InvalidCloudEvent>(
      [&] { return events::StoredEvent::FromCloudEvent(event); });
  if (!stored)
    return std::nullopt;
  const CloudEvent again = stored->ToCloudEvent();
  Check(again.id == event.id && again.type == event.type && again.source == event.source &&
            again.subject == event.subject && again.dataschema == event.dataschema &&
            again.datacontenttype == event.datacontenttype &&
            again.extensions == event.extensions && again.data == event.data,
        "an event read from the bus is published again as it came");
  Check(domain::ParseRfc3339Utc(again.time) == stored->created_at_ms, "its time is kept");
  return stored;
}

/// An event of a catalogued type that passes its schema must reach a consumer of the newest
/// version of its type: the upcast from an older version cannot fail on valid data.
void CheckCatalog(const events::StoredEvent& stored) {
  const events::Catalog& catalog = events::Catalog::Embedded();
  const bool valid = ParseOr<events::InvalidEvent>([&] {
                       events::CheckAgainstCatalog(catalog, stored.type, stored.data);
                       return true;
                     }).has_value();
  if (!valid)
    return;
  const events::EventSchema* schema = catalog.Find(stored.type);
  std::string newest = schema->VersionedType();
  for (const events::EventSchema& entry : catalog.Entries()) {
    if (entry.type == schema->type)
      newest = entry.VersionedType();  // entries are in version order
  }
  const events::Upcaster upcaster(catalog, {newest});
  try {
    if (const auto current = upcaster.ToCurrent(stored))
      Check(current->type == newest, "an upcast event is of the newest version");
  } catch (const std::exception& error) {
    Fail(std::string("a valid ") + stored.type + " does not upcast: " + error.what());
  }
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const auto event = ParseOr<nedlia::events::InvalidCloudEvent>(
      [&] { return nedlia::events::ParseStructured(AsText(data, size)); });
  if (!event)
    return 0;
  CheckRoundTrips(*event);
  if (const auto stored = CheckStored(*event))
    CheckCatalog(*stored);
  return 0;
}
