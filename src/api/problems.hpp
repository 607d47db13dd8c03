#pragma once

#include "app/errors.hpp"
#include "http/handler.hpp"
#include "http/response.hpp"

namespace nedlia::api {

/// The RFC 9457 problem for an application error: its status, a title, the detail, and for
/// invalid input an "errors" array of {"pointer", "detail"} (JSON pointers into the body).
http::Response ProblemFor(const app::Error& error);

/// The outermost middleware: application errors become their problems; anything else is
/// logged and answered 500 with nothing internal in the body.
http::Handler MappingErrors(http::Handler next);

}  // namespace nedlia::api
