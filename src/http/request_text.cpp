#include "http/request_text.hpp"

#include <nlohmann/json.hpp>

#include "domain/utf8.hpp"
#include "encoding/hex.hpp"
#include "encoding/json_pointer.hpp"
#include "encoding/percent.hpp"

namespace nedlia::http {
namespace {

bool IsPrintableAscii(unsigned char c) {
  return c >= 0x21 && c <= 0x7E;
}

Response BadText(std::string_view detail, std::string_view pointer) {
  const nlohmann::json errors = {{{"pointer", pointer}, {"detail", detail}}};
  return Response::Problem(400, "Bad Request", detail, "urn:nedlia:problem:bad-request",
                           {{"errors", errors}});
}

// Every path segment and query component, decoded, must be UTF-8; a malformed %-escape is left
// to the router and the handlers, which report it in their own terms.
std::optional<Response> CheckDecoded(const Request& request) {
  const auto decoded_is_text = [](std::string_view part, bool plus_is_space) {
    const std::optional<std::string> decoded = encoding::PercentDecode(part, plus_is_space);
    return !decoded || IsValidUtf8(*decoded);
  };
  if (!decoded_is_text(request.path, false))
    return BadText("the path is not UTF-8 once percent-decoded", "/path");
  std::string_view rest = request.query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::string_view name = pair.substr(0, pair.find('='));
    if (!decoded_is_text(pair, true)) {
      const std::optional<std::string> decoded_name = encoding::PercentDecode(name, true);
      const bool name_is_text = decoded_name && IsValidUtf8(*decoded_name);
      return BadText("the query parameter is not UTF-8 once percent-decoded",
                     name_is_text ? "/query/" + encoding::JsonPointerToken(*decoded_name)
                                  : std::string("/query"));
    }
  }
  return std::nullopt;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  return !domain::InvalidUtf8At(text).has_value();
}

std::string EscapeForLog(std::string_view text, std::size_t max_bytes) {
  std::string escaped;
  escaped.reserve(std::min(text.size(), max_bytes) + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == max_bytes) {
      escaped += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsPrintableAscii(c) || c == ' ') {
      escaped += static_cast<char>(c);
      continue;
    }
    escaped += "\\x";
    encoding::AppendHex(escaped, c);
  }
  return escaped;
}

std::optional<Response> CheckRequestText(const Request& request) {
  for (const char c : request.target) {
    if (!IsPrintableAscii(static_cast<unsigned char>(c))) {
      return BadText("the request target must be printable ASCII: percent-encode other bytes",
                     "/path");
    }
  }
  for (const HeaderField& field : request.headers) {
    if (!IsValidUtf8(field.value))
      return BadText("the header field's value is not UTF-8", "/header/" + field.name);
  }
  return CheckDecoded(request);
}

}  // namespace nedlia::http
