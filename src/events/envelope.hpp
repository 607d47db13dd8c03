#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "app/ports/event_outbox.hpp"
#include "app/principal.hpp"

namespace nedlia::events {

/// Where events come from, stamped on every envelope as CloudEvents extension attributes
/// (top-level, lowercase alphanumeric names — see DESIGN.md, "Corrections to the seed").
struct EnvelopeSettings {
  std::string environment = "development";  ///< nedliaenvironment
  std::string platform_version;             ///< nedliaversion
};

/// The CloudEvents 1.0 attributes of an event other than id, type, time and data, which the
/// event_log keeps in columns of their own: this object is stored as event_log.metadata.
nlohmann::json EnvelopeMetadata(const app::NewEvent& event, const app::CallContext& context,
                                const EnvelopeSettings& settings);

/// The CloudEvents source of an aggregate type: "placement" -> "/placements".
std::string SourceOf(const std::string& aggregate_type);

}  // namespace nedlia::events
