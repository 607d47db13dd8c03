#pragma once

#include <string>
#include <string_view>

namespace nedlia::crypto {

/// The SHA-256 digest of `data`: 32 bytes.
std::string Sha256(std::string_view data);
/// The same in lowercase hex: 64 characters.
std::string Sha256Hex(std::string_view data);
/// HMAC-SHA256 of `data` under `key`: 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

}  // namespace nedlia::crypto
