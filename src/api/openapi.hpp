#pragma once

#include <nlohmann/json.hpp>

#include "http/router.hpp"

namespace nedlia::api {

/// The OpenAPI 3.1 document: _base.json with every resource fragment's "paths" and "schemas"
/// merged in. Throws std::logic_error when a fragment is malformed or two define the same path
/// or schema (a build defect, caught by the tests).
const nlohmann::json& OpenApiDocument();

/// GET /v1/openapi.json, open to everyone.
void AddOpenApiRoute(http::Router& router);

}  // namespace nedlia::api
