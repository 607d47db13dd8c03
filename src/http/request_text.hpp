#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::http {

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF).
bool IsValidUtf8(std::string_view text);

/// `text` made safe for a log line: printable ASCII is kept, every other byte (control
/// characters, line breaks, bytes of other encodings) becomes \xNN, and more than `max_bytes`
/// is cut with "...". Log anything a client sent through this: a raw line break would let it
/// forge log entries.
std::string EscapeForLog(std::string_view text, std::size_t max_bytes = 256);

/// The 400 problem for a request whose text cannot be trusted, with a JSON pointer to the part:
/// a target with bytes outside printable ASCII (RFC 3986: others must be percent-encoded), a
/// path segment or query component that is not UTF-8 once decoded, or a header value that is
/// not UTF-8. nullopt when the request is fine. Handlers can then treat every string of a
/// request as text.
std::optional<Response> CheckRequestText(const Request& request);

}  // namespace nedlia::http
