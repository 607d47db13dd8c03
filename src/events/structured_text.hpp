#pragma once

#include <string>
#include <string_view>

#include "events/stored_event.hpp"

namespace nedlia::events {

/// The structured-mode CloudEvent of an event_log row, spliced from the row's JSON text
/// without parsing it: the same members as ToStructured(row.ToCloudEvent()), in another
/// order. `attributes` is the row's metadata as a JSON object's text, without specversion
/// (PostgreSQL's `metadata - 'specversion'`); `data` is the row's data as JSON text. Only
/// row.id, row.type and row.created_at_ms are read. Parsing the row and serializing it
/// again was most of the bus relay's work.
std::string StructuredText(const StoredEvent& row, std::string_view attributes,
                           std::string_view data);

}  // namespace nedlia::events
