#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nedlia::notifier {

/// A secret that is not "whsec_" followed by standard base64.
class InvalidSecret : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The Standard Webhooks webhook-signature value: "v1," + the base64 of HMAC-SHA256 over
/// "<id>.<timestamp>.<body>", keyed with the base64-decoded part of `secret` after "whsec_".
std::string SignatureOf(std::string_view secret, std::string_view id, std::int64_t timestamp,
                        std::string_view body);

}  // namespace nedlia::notifier
