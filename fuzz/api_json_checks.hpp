#pragma once
// What every JSON request reader of the API must do with any body: read it, or refuse it with
// app::Error kInvalidInput whose field errors are JSON pointers the client can follow, and
// which the error middleware renders as problem+json.

#include <string>

#include <nlohmann/json.hpp>

#include "api/json_document.hpp"
#include "api/problems.hpp"
#include "app/errors.hpp"
#include "domain/field_error.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {

/// Field errors name the member at fault with an RFC 6901 pointer ("" for the whole body).
inline void CheckFieldErrors(const domain::FieldErrors& errors) {
  for (const auto& error : errors) {
    Check(!error.message.empty(), "a field error says what is wrong");
    ParseOr<nlohmann::json::parse_error>(
        [&] { return nlohmann::json::json_pointer(error.pointer); },
        [](const auto&) { Fail("a field error's pointer is malformed"); });
  }
}

/// A refused body: invalid input naming its fields, rendered as problem+json.
inline void CheckInvalidInput(const app::Error& error) {
  Check(error.Kind() == app::ErrorKind::kInvalidInput, "a bad body is invalid input (422)");
  Check(!error.Fields().empty(), "a bad body names the fields at fault");
  CheckFieldErrors(error.Fields());
  const http::Response problem = api::ProblemFor(error);
  Check(problem.status == 422 && nlohmann::json::accept(problem.body),
        "invalid input is answered 422 with problem+json");
}

/// Runs a reader over a body: what it read, or nullopt when it refused the body (checked).
template <class Read>
auto ReadBody(Read read) {
  return ParseOr<app::Error>(read, CheckInvalidInput);
}

/// Reads the canonical body of what a reader accepted, which it must accept again.
template <class Read>
auto ReadBack(Read read) {
  const auto again = ParseOr<app::Error>(read, [](const app::Error& error) {
    Fail(std::string("what was accepted is refused when sent back: ") + error.what());
  });
  return *again;
}

/// An opaque document kept from a body: JSON of the kind asked for, within the size limit.
inline void CheckDocument(const std::string& text, nlohmann::json::value_t kind) {
  Check(text.size() <= api::MaxDocumentBytes(), "a kept document is within its size limit");
  const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  Check(!document.is_discarded() && document.type() == kind, "a kept document is what was asked");
}

}  // namespace nedlia::fuzz
