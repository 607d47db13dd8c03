#pragma once

#include <string>
#include <string_view>

namespace nedlia::encoding {

/// Each byte as two lowercase hex digits.
std::string Hex(std::string_view bytes);

/// Appends one byte's two hex digits (uppercase when asked: RFC 3986 percent-encoding).
void AppendHex(std::string& out, unsigned char byte, bool uppercase = false);

}  // namespace nedlia::encoding
