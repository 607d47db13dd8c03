#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nedlia::encoding {

/// Standard base64 (RFC 4648 section 4) with padding.
std::string Base64(std::string_view bytes);
/// The URL-safe alphabet (RFC 4648 section 5), in digit order.
inline constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// base64url without padding: for tokens that travel in URLs and headers.
std::string Base64Url(std::string_view bytes);
/// The bytes of padded standard base64; nullopt when `text` is not that (or is empty).
std::optional<std::string> FromBase64(std::string_view text);

}  // namespace nedlia::encoding
