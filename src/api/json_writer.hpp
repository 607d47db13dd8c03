#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/entities.hpp"

namespace nedlia::api {

/// RFC 3339 UTC with milliseconds: "2026-11-25T11:34:22.123Z".
std::string Rfc3339(domain::TimestampMs ms);

/// null, or the value.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
nlohmann::json OrNull(const std::optional<domain::Uuid>& value);

/// The audit members every resource carries: created_at, updated_at, created_by, version.
void AddAudit(nlohmann::json& object, const domain::Audit& audit);

/// A stored JSON document (opaque text) as JSON.
nlohmann::json Document(const std::string& text);

}  // namespace nedlia::api
