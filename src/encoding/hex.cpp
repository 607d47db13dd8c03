#include "encoding/hex.hpp"

namespace nedlia::encoding {

void AppendHex(std::string& out, unsigned char byte, bool uppercase) {
  static constexpr std::string_view kLower = "0123456789abcdef";
  static constexpr std::string_view kUpper = "0123456789ABCDEF";
  const std::string_view digits = uppercase ? kUpper : kLower;
  out += digits[byte >> 4];
  out += digits[byte & 0xF];
}

std::string Hex(std::string_view bytes) {
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes)
    AppendHex(hex, static_cast<unsigned char>(c));
  return hex;
}

}  // namespace nedlia::encoding
