#pragma once

#include <functional>

#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::http {

/// Answers one request. It may block (database calls): the server runs it on a worker thread,
/// or, for the routes that say so (Router::Runs::kOnLoop), in a fiber on the connection's event
/// loop, where whatever would block first moves it to a worker (process::LeaveEventLoop).
/// An exception becomes a 500 problem whose detail never carries the exception's text.
using Handler = std::function<Response(Request&)>;

}  // namespace nedlia::http
