#pragma once

#include <string>
#include <vector>

namespace nedlia::domain {

/// One rule a value broke: where (an RFC 6901 JSON pointer into the request, e.g.
/// "/time_range/end_time") and why, in words a client developer can act on.
struct FieldError {
  std::string pointer;
  std::string message;

  friend bool operator==(const FieldError&, const FieldError&) = default;
};

/// Expected validation failures are values, not exceptions: every rule is checked and all the
/// broken ones are reported together.
using FieldErrors = std::vector<FieldError>;

}  // namespace nedlia::domain
