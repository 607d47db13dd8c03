#include "api/json_writer.hpp"

#include <chrono>
#include <cstdio>

#include "domain/date.hpp"

namespace nedlia::api {

std::string Rfc3339(domain::TimestampMs ms) {
  return domain::FormatRfc3339(ms);
}

nlohmann::json OrNull(const std::optional<domain::Uuid>& value) {
  return value ? nlohmann::json(value->ToString()) : nlohmann::json(nullptr);
}

void AddAudit(nlohmann::json& object, const domain::Audit& audit) {
  object["created_at"] = Rfc3339(audit.created_at);
  object["updated_at"] = Rfc3339(audit.updated_at);
  object["created_by"] = OrNull(audit.created_by);
  object["version"] = audit.version;
}

nlohmann::json Document(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace nedlia::api
