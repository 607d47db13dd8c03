#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nedlia::http {

/// Decodes %XX escapes (RFC 3986); with `plus_is_space`, '+' becomes ' ' as in HTML form
/// queries. Returns nullopt when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space = false);

}  // namespace nedlia::http
