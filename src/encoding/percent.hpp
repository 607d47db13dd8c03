#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nedlia::encoding {

/// Percent-encodes every byte that `keep` refuses, with uppercase hex digits as RFC 3986
/// recommends.
template <class Keep>
std::string PercentEncode(std::string_view text, const Keep& keep) {
  static constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (keep(byte)) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kDigits[byte >> 4];
      encoded += kDigits[byte & 0xF];
    }
  }
  return encoded;
}

/// RFC 3986: everything but the unreserved characters (ALPHA DIGIT - . _ ~) encoded, and '/'
/// also kept when `keep_slash` (a path rather than one segment or a query value).
std::string PercentEncodeUnreserved(std::string_view text, bool keep_slash);

/// Decodes %XX escapes (RFC 3986); with `plus_is_space`, '+' becomes ' ' as in HTML form
/// queries. Returns nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

}  // namespace nedlia::encoding
