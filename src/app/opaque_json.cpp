#include "app/opaque_json.hpp"

namespace nedlia::app {

nlohmann::json DocumentData(const std::optional<domain::OpaqueJson>& text) {
  if (!text)
    return nullptr;
  // Documents come from the database or from a parsed request: malformed text is a bug.
  return nlohmann::json::parse(*text);
}

bool SameDocument(const std::optional<domain::OpaqueJson>& a,
                  const std::optional<domain::OpaqueJson>& b) {
  if (!a || !b)
    return a.has_value() == b.has_value();
  return *a == *b || DocumentData(a) == DocumentData(b);
}

}  // namespace nedlia::app
