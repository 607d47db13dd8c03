#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "app/ports/event_outbox.hpp"
#include "app/principal.hpp"
#include "events/catalog.hpp"

namespace nedlia::events {

/// Where events come from, stamped on every envelope as CloudEvents extension attributes
/// (top-level, lowercase alphanumeric names — see DESIGN.md, "Corrections to the seed").
struct EnvelopeSettings {
  std::string environment = "development";  ///< nedliaenvironment
  std::string platform_version;             ///< nedliaversion
  /// Where the event's JSON Schema is published: dataschema = this + the versioned type. The
  /// API serves them (GET /v1/schemas/events/{type}); this default is the API on its default
  /// address, which cli::Settings::Envelope replaces with NEDLIA_PUBLIC_URL's.
  std::string schema_base_url = "http://127.0.0.1:8080/v1/schemas/events/";
  /// Validates and routes events; null means the catalog built into the binary.
  const Catalog* catalog = nullptr;
  /// The most an event's data may take as JSON (NEDLIA_MAX_EVENT_BYTES): an event is copied to
  /// the bus, webhooks and feed pages, and the bus refuses messages past its max_payload.
  std::size_t max_data_bytes = std::size_t{256} * 1024;

  const Catalog& EventCatalog() const {
    return catalog != nullptr ? *catalog : Catalog::Embedded();
  }
};

/// An event that does not match its catalog entry (or has none): a bug in the code that made
/// it. The message names the type and each offending field.
class InvalidEvent : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// Throws InvalidEvent unless the data conforms to the type's catalog entry.
void CheckAgainstCatalog(const Catalog& catalog, const std::string& type,
                         const nlohmann::json& data);

/// The CloudEvents 1.0 attributes of an event other than id, type, time and data, which the
/// event_log keeps in columns of their own: this object is stored as event_log.metadata.
nlohmann::json EnvelopeMetadata(const app::NewEvent& event, const app::CallContext& context,
                                const EnvelopeSettings& settings);

/// The CloudEvents source of an aggregate type: "placement" -> "/placements".
std::string SourceOf(const std::string& aggregate_type);
/// The inverse: "/placements" -> "placement".
std::string AggregateTypeOf(const std::string& source);

}  // namespace nedlia::events
