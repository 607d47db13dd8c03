#include "events/upcaster.hpp"

#include <algorithm>
#include <stdexcept>

#include "events/envelope.hpp"
#include "events/version_copies.hpp"
#include "events/versions.hpp"

namespace nedlia::events {
namespace {

const EventSchema& EntryOf(const Catalog& catalog, const std::string& versioned_type) {
  const EventSchema* entry = catalog.Find(versioned_type);
  if (entry == nullptr)
    throw std::logic_error("event type " + versioned_type + " is not in the catalog (events/)");
  return *entry;
}

}  // namespace

Upcaster::Upcaster(const Catalog& catalog, const std::vector<std::string>& current)
    : catalog_(catalog), types_to_read_(current) {
  for (const std::string& name : current) {
    const EventSchema& target = EntryOf(catalog, name);
    current_[target.type] = &target;
    for (const EventSchema* older : catalog.OlderVersions(target)) {
      if (!CanConvert(older->type, older->version, target.version)) {
        throw std::logic_error("cannot upcast " + older->VersionedType() + " to " + name +
                               ": add the conversion to src/events/versions.cpp");
      }
      types_to_read_.push_back(older->VersionedType());
    }
  }
  std::sort(types_to_read_.begin(), types_to_read_.end());
  types_to_read_.erase(std::unique(types_to_read_.begin(), types_to_read_.end()),
                       types_to_read_.end());
}

std::optional<StoredEvent> Upcaster::ToCurrent(StoredEvent event) const {
  const EventSchema& entry = EntryOf(catalog_, event.type);
  const auto target = current_.find(entry.type);
  if (target == current_.end() || target->second->version == entry.version)
    return event;
  const EventSchema& current = *target->second;
  if (event.metadata.contains(kCopyOfAttribute))
    return std::nullopt;  // the newer original is read too
  event.data = *ConvertData(entry.type, entry.version, current.version, event.data);
  CheckAgainstCatalog(catalog_, current.VersionedType(), event.data);
  // The schema's address names the versioned type last (EnvelopeMetadata).
  if (const auto schema = event.metadata.find("dataschema");
      schema != event.metadata.end() && schema->is_string()) {
    std::string url = schema->get<std::string>();
    if (url.ends_with(event.type))
      *schema = url.substr(0, url.size() - event.type.size()) + current.VersionedType();
  }
  event.type = current.VersionedType();
  return event;
}

}  // namespace nedlia::events
