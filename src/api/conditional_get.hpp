#pragma once

#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::api {

/// Conditional GET (RFC 9110 §13.1.2): a 200 answer to a GET gets an ETag if its handler gave
/// none (a hash of the body: runs and lists carry no version), and becomes 304 Not Modified,
/// without a body, when the request's If-None-Match names that tag (weak comparison) or is
/// "*". The server keeps no copy of any resource: every GET reads the database, so a 304
/// is never older than the last committed change.
http::Response ConditionalGet(const http::Request& request, http::Response response);

}  // namespace nedlia::api
