#include "events/json_schema.hpp"

namespace nedlia::events {
namespace {

nlohmann::json ObjectSchema(const Fields& fields);

nlohmann::json FieldSchema(const FieldSpec& field) {
  nlohmann::json schema = nlohmann::json::object();
  const std::string type(ToString(field.type));
  if (field.type != FieldType::kAny)  // any: no "type" at all
    schema["type"] = field.nullable ? nlohmann::json::array({type, "null"}) : nlohmann::json(type);
  if (!field.description.empty())
    schema["description"] = field.description;
  if (!field.format.empty())
    schema["format"] = field.format;
  if (!field.enum_values.empty()) {
    schema["enum"] = field.enum_values;
    if (field.nullable)
      schema["enum"].push_back(nullptr);
  }
  if (field.minimum)
    schema["minimum"] = *field.minimum;
  if (field.maximum)
    schema["maximum"] = *field.maximum;
  if (field.min_length)
    schema["minLength"] = *field.min_length;
  if (field.max_length)
    schema["maxLength"] = *field.max_length;
  if (field.type == FieldType::kObject) {
    if (field.additional_properties) {
      schema["additionalProperties"] = true;
    } else {
      const nlohmann::json object = ObjectSchema(field.properties);
      for (const auto& [key, value] : object.items()) {
        if (key != "type")
          schema[key] = value;
      }
    }
  }
  if (field.type == FieldType::kArray)
    schema["items"] = FieldSchema(*field.items);
  if (field.sensitive) {  // the value events carry in place of the personal data
    nlohmann::json redacted = {{"const", nlohmann::json::parse(field.redacted)}};
    if (!field.description.empty())
      redacted["description"] = field.description;
    return redacted;
  }
  return schema;
}

nlohmann::json ObjectSchema(const Fields& fields) {
  nlohmann::json schema = {{"type", "object"}, {"additionalProperties", false}};
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const auto& [name, field] : fields) {
    properties[name] = FieldSchema(field);
    if (field.required)
      required.push_back(name);
  }
  schema["properties"] = std::move(properties);
  if (!required.empty())
    schema["required"] = std::move(required);
  return schema;
}

}  // namespace

nlohmann::json ToJsonSchema(const EventSchema& entry, const std::string& id) {
  nlohmann::json schema = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                           {"$id", id},
                           {"title", entry.VersionedType()},
                           {"description", entry.description}};
  schema.update(ObjectSchema(entry.data));
  if (entry.deprecation)
    schema["deprecated"] = true;
  return schema;
}

std::map<std::string, nlohmann::json> PublishedSchemas(const Catalog& catalog,
                                                       const std::string& base_url) {
  std::map<std::string, nlohmann::json> schemas;
  for (const EventSchema& entry : catalog.Entries()) {
    std::string type = entry.VersionedType();
    nlohmann::json schema = ToJsonSchema(entry, base_url + type);
    schemas.emplace(std::move(type), std::move(schema));
  }
  return schemas;
}

}  // namespace nedlia::events
