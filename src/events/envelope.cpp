#include "events/envelope.hpp"

#include "events/data_check.hpp"

namespace nedlia::events {

std::string SourceOf(const std::string& aggregate_type) {
  if (aggregate_type.ends_with("s"))
    return "/" + aggregate_type;
  return "/" + aggregate_type + "s";
}

std::string AggregateTypeOf(const std::string& source) {
  std::string type = source.starts_with('/') ? source.substr(1) : source;
  if (type.ends_with('s'))
    type.pop_back();
  return type;
}

void CheckAgainstCatalog(const Catalog& catalog, const std::string& type,
                         const nlohmann::json& data) {
  const EventSchema* schema = catalog.Find(type);
  if (schema == nullptr)
    throw InvalidEvent("event type " + type + " is not in the catalog (events/)");
  const std::vector<SchemaViolation> violations = CheckData(schema->data, data);
  if (violations.empty())
    return;
  std::string message = "event " + type + " does not match " + schema->file + ":";
  for (const SchemaViolation& violation : violations)
    message += " /data" + violation.pointer + " " + violation.message + ";";
  message.pop_back();
  throw InvalidEvent(message);
}

nlohmann::json EnvelopeMetadata(const app::NewEvent& event, const app::CallContext& context,
                                const EnvelopeSettings& settings) {
  nlohmann::json metadata = {{"specversion", "1.0"},
                             {"source", SourceOf(event.aggregate_type)},
                             {"subject", event.aggregate_id.ToString()},
                             {"datacontenttype", "application/json"},
                             {"dataschema", settings.schema_base_url + event.type},
                             {"nedliaenvironment", settings.environment},
                             {"nedliaversion", settings.platform_version}};
  if (!context.traceparent.empty())
    metadata["traceparent"] = context.traceparent;
  return metadata;
}

}  // namespace nedlia::events
