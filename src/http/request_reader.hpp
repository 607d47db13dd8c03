#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/server.hpp"

namespace nedlia::http {

/// What the server makes of the bytes a client sent, up to the end of one request.
struct RequestReading {
  enum class Outcome {
    kRequest,  ///< a request for the handler: `request`
    kRefused,  ///< answered before any handler: `refusal` (400, 413, 431 or 501)
    kClosed,   ///< the bytes end before the request does, or cannot be answered: no answer
  };
  Outcome outcome = Outcome::kClosed;
  Request request;
  std::optional<Response> refusal;
  std::size_t consumed = 0;  ///< bytes of the input this request took (keep-alive: the next starts
                             ///< there)
};

/// Reads one request from `bytes` as a connection of the server does: the same parser with the
/// same limits (`max_header_bytes` for the head, a chunk-size line and the trailer fields;
/// `max_body_bytes`; chunk extensions of at most 256 bytes), then the same checks before the
/// handler (a method we serve, a request that is text). Timeouts, 100-continue and the
/// process-wide body budget are the connection's business, not the parser's. A pure function:
/// the server's bytes-to-request step, for tests and fuzzing.
RequestReading ReadRequest(std::string_view bytes, const ServerOptions& options);

}  // namespace nedlia::http
