#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/uuid.hpp"

namespace nedlia::app {

/// One request the API answered, for the API log.
struct ApiLogEntry {
  std::int64_t at_ms = 0;  ///< when the request arrived (Unix time, milliseconds)
  std::string method;
  std::string path;  ///< without the query, which may carry what should not be kept
  int status = 0;
  std::int64_t duration_us = 0;
  std::optional<domain::Uuid> principal_id;  ///< the API key that authenticated it, if any
  std::string trace_id;                      ///< the W3C trace id, "" when none
};

/// Where the API log goes. Record never blocks a request and never throws: an adapter that
/// cannot keep up or cannot write drops entries (and says so in the server log).
class ApiLog {
 public:
  virtual ~ApiLog() = default;
  virtual void Record(ApiLogEntry entry) noexcept = 0;
};

}  // namespace nedlia::app
