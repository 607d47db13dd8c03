#include "api/json_writer.hpp"

#include <chrono>
#include <cstdio>

namespace nedlia::api {

std::string Rfc3339(domain::TimestampMs ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(ms)};
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char text[32];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
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
