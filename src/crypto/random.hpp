#pragma once

#include <cstddef>
#include <string>

namespace nedlia::crypto {

/// `count` bytes from OpenSSL's cryptographically secure generator, for secrets and keys;
/// throws std::runtime_error when the generator fails (never returns weak bytes).
std::string RandomBytes(std::size_t count);

}  // namespace nedlia::crypto
