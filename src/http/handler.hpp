#pragma once

#include <functional>

#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::http {

/// Answers one request. It may block (database calls): the server runs it on the connection's
/// own thread.
/// An exception becomes a 500 problem whose detail never carries the exception's text.
using Handler = std::function<Response(Request&)>;

}  // namespace nedlia::http
