#include "events/envelope.hpp"

namespace nedlia::events {

std::string SourceOf(const std::string& aggregate_type) {
  if (aggregate_type.ends_with("s"))
    return "/" + aggregate_type;
  return "/" + aggregate_type + "s";
}

nlohmann::json EnvelopeMetadata(const app::NewEvent& event, const app::CallContext& context,
                                const EnvelopeSettings& settings) {
  nlohmann::json metadata = {{"specversion", "1.0"},
                             {"source", SourceOf(event.aggregate_type)},
                             {"subject", event.aggregate_id.ToString()},
                             {"datacontenttype", "application/json"},
                             {"nedliaenvironment", settings.environment},
                             {"nedliaversion", settings.platform_version}};
  if (!context.traceparent.empty())
    metadata["traceparent"] = context.traceparent;
  return metadata;
}

}  // namespace nedlia::events
