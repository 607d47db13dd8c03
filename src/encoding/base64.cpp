#include "encoding/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>

namespace nedlia::encoding {

std::string Base64(std::string_view bytes) {
  // 4 characters per 3 bytes, rounded up, plus the NUL EVP_EncodeBlock writes.
  std::string text((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(std::max(length, 0)));
  return text;
}

std::string Base64Url(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() * 8 + 5) / 6);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += kBase64UrlAlphabet[(buffer >> bits) & 0x3F];
    }
  }
  if (bits > 0)
    text += kBase64UrlAlphabet[(buffer << (6 - bits)) & 0x3F];
  return text;
}

std::optional<std::string> FromBase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  std::string bytes(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0)
    return std::nullopt;
  // EVP_DecodeBlock counts the zero bytes that padding stands for.
  const auto padding = static_cast<std::size_t>(std::count(text.end() - 2, text.end(), '='));
  bytes.resize(static_cast<std::size_t>(length) - padding);
  return bytes;
}

}  // namespace nedlia::encoding
