// Percent-decoding as the HTTP edge does it: PercentDecode (paths, and queries with '+' as a
// space), query parameter lookup, the router's per-segment decoding, and the request-text
// checks (UTF-8 once decoded) that run before any handler.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "encoding/percent.hpp"
#include "fuzz_support.hpp"
#include "http/request.hpp"
#include "http/request_text.hpp"
#include "http/router.hpp"

namespace nedlia::fuzz {
namespace {

using encoding::PercentDecode;
using http::Method;

// Every byte but the unreserved ones as %XX: what a careful client sends.
std::string Encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool EscapesAreWellFormed(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%')
      continue;
    if (i + 2 >= text.size())
      return false;
    if (!IsHex(text[i + 1]) || !IsHex(text[i + 2]))
      return false;
    i += 2;
  }
  return true;
}

// A reference UTF-8 check, code point by code point (RFC 3629), to compare IsValidUtf8 with.
bool ReferenceUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t code = 0;
    char32_t smallest = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07, smallest = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size())
      return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80)
        return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

void CheckDecoding(std::string_view text) {
  const auto decoded = PercentDecode(text);
  Check(decoded.has_value() == EscapesAreWellFormed(text),
        "PercentDecode refuses exactly the malformed escapes");
  if (!decoded)
    return;
  Check(decoded->size() <= text.size(), "decoding never lengthens");
  Check(PercentDecode(Encode(*decoded)) == decoded, "decode(encode(x)) == x");
  std::string plus_as_escape;
  for (const char c : text)
    plus_as_escape += c == '+' ? std::string("%20") : std::string(1, c);
  Check(PercentDecode(text, true) == PercentDecode(plus_as_escape),
        "in a query, '+' is exactly a space");
}

void CheckUtf8AndLog(std::string_view text) {
  Check(http::IsValidUtf8(text) == ReferenceUtf8(text), "IsValidUtf8 agrees with RFC 3629");
  const std::string escaped = http::EscapeForLog(text, 64);
  Check(escaped.size() <= 64 * 4 + 3, "a log line is bounded");
  for (const char c : escaped)
    Check(c >= 0x20 && c <= 0x7E, "a log line holds printable ASCII only");
}

// A value sent encoded comes back from Query and from a route's parameter as it was.
void CheckRoundTrips(std::string_view value) {
  const std::string encoded = Encode(value);
  const http::Request query =
      http::Request::For(Method::kGet, "/s?a=1&k=" + encoded + "&k=second&" + encoded + "=v");
  Check(query.Query("k") == std::string(value), "a query value round-trips");
  Check(query.Query("a") == "1", "other parameters are untouched");
  if (!value.empty() && value != "a" && value != "k")
    Check(query.Query(value) == "v", "a query name round-trips");

  http::Router router;
  router.Add(Method::kGet, "/v1/things/{id}", [](http::Request& request) {
    return http::Response::Text(200, request.PathParam("id"));
  });
  http::Request request = http::Request::For(Method::kGet, "/v1/things/" + encoded);
  const http::Response response = router.Handle(request);
  if (value.empty()) {
    Check(response.status == 404, "an empty parameter matches nothing");
  } else {
    Check(response.status == 200 && response.body == value, "a path parameter round-trips");
    Check(!http::CheckRequestText(request) == http::IsValidUtf8(value),
          "an encoded path is refused exactly when its text is not UTF-8");
  }
}

// Whatever the target, the router and the text checks answer without throwing.
void CheckRawTarget(std::string_view text) {
  http::Router router;
  router.Add(Method::kGet, "/", [](http::Request&) { return http::Response::Text(200, "root"); });
  router.Add(Method::kGet, "/v1/{a}/{b}",
             [](http::Request&) { return http::Response::Text(200, "two"); });
  http::Request request = http::Request::For(Method::kGet, "/" + std::string(text));
  const auto problem = http::CheckRequestText(request);
  Check(!problem || problem->status == 400, "a request's text is refused with a 400");
  if (problem)
    return;  // the server answers it before the router
  const int status = router.Handle(request).status;
  Check(status == 200 || status == 400 || status == 404 || status == 405,
        "the router answers 200, 400, 404 or 405");
  for (const auto& name : {"a", "b", "limit", "cursor"})
    (void)request.Query(name);
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string_view text = AsText(data, size);
  CheckDecoding(text);
  CheckUtf8AndLog(text);
  CheckRoundTrips(text);
  CheckRawTarget(text);
  return 0;
}
