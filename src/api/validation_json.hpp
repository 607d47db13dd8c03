#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/ports/validation_run_store.hpp"

namespace nedlia::api {

/// A validation run as the API shows it: its columns, times as RFC 3339 (or null), issues and
/// summary as the JSON they are.
nlohmann::json ValidationRunJson(const app::OwnedValidationRun& owned);

/// The body of POST /v1/videos/{id}/validations: nothing, or an empty JSON object (no options
/// exist yet, so any member is unknown); throws app::Error kInvalidInput otherwise.
void ReadValidationRequest(std::string_view body);

}  // namespace nedlia::api
