#include "events/redaction.hpp"

namespace nedlia::events {

void Redact(const Fields& fields, nlohmann::json& data) {
  if (!data.is_object())
    return;
  for (const auto& [name, field] : fields) {
    const auto value = data.find(name);
    if (value == data.end())
      continue;
    if (field.sensitive) {
      *value = nlohmann::json::parse(field.redacted);
    } else if (field.type == FieldType::kObject && !field.additional_properties) {
      Redact(field.properties, *value);
    }
  }
}

}  // namespace nedlia::events
