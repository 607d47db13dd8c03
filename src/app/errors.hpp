#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "domain/field_error.hpp"

namespace nedlia::app {

/// Why a command or query could not do what was asked. The interface maps each kind to its
/// status (HTTP) or exit code (CLI); nothing below the application layer leaks through.
enum class ErrorKind {
  kInvalidInput,          ///< the request breaks a rule; `Fields()` says where (422)
  kNotFound,              ///< absent, soft-deleted, or not the caller's to see (404)
  kConflict,              ///< clashes with the current state, e.g. an overlap (409)
  kPreconditionRequired,  ///< an update without the version it is based on (428)
  kPreconditionFailed,    ///< the version it is based on is no longer current (412)
  kUnauthenticated,       ///< no valid credentials (401)
  kForbidden,             ///< valid credentials, but the role may not do this (403)
  kUnavailable,           ///< a dependency (the database) is unreachable; retry later (503)
  kTooManyRequests,       ///< the caller already holds its share of a bounded resource (429)
  kTooLarge,              ///< what the request would write is larger than allowed (413)
};

/// An expected failure of an application operation, safe to show to the client.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& detail, domain::FieldErrors fields = {})
      : std::runtime_error(detail), kind_(kind), fields_(std::move(fields)) {}

  ErrorKind Kind() const { return kind_; }
  /// The fields at fault, with JSON pointers into the request body (may be empty).
  const domain::FieldErrors& Fields() const { return fields_; }

 private:
  ErrorKind kind_;
  domain::FieldErrors fields_;
};

/// Throws kInvalidInput carrying `fields` when there are any.
inline void ThrowIfInvalid(domain::FieldErrors fields) {
  if (!fields.empty()) {
    throw Error(ErrorKind::kInvalidInput, "the request has invalid fields", std::move(fields));
  }
}

/// Optimistic locking: kPreconditionFailed unless the If-Match version `expected` is the
/// `current` one of the `what` ("placement") being changed.
inline void CheckVersion(std::int32_t expected, std::int32_t current, const std::string& what) {
  if (expected != current) {
    throw Error(ErrorKind::kPreconditionFailed,
                "the " + what + " is at version " + std::to_string(current) + ", not " +
                    std::to_string(expected) + ": fetch it again and retry");
  }
}

/// The error for an entity the caller may not see or that does not exist: the two are the same
/// answer, so that ids of other tenants cannot be probed.
inline Error NotFound(const std::string& what) {
  return Error(ErrorKind::kNotFound, what + " not found");
}

}  // namespace nedlia::app
