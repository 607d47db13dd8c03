#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/field_error.hpp"

namespace nedlia::api {

/// How deeply an opaque document may nest: deep enough for any real billing record or asset
/// list, shallow enough that serializing it (recursive) and PostgreSQL's jsonb input (which
/// stops at its stack depth limit) are safe.
inline constexpr int kMaxDocumentDepth = 32;

/// The most an opaque document may take as JSON (NEDLIA_MAX_DOCUMENT_BYTES; 64 KiB unless
/// set): a document goes into rows, events and every answer that shows it. Set once, before
/// serving; reading it is safe from any thread.
void SetMaxDocumentBytes(std::size_t bytes);
std::size_t MaxDocumentBytes();

/// A member that holds an opaque JSON document (billing_info, assets), as the request had it.
struct TakenDocument {
  enum class State { kAbsent, kNull, kValue, kInvalid };
  State state = State::kAbsent;
  std::string text;  ///< the serialized document when kValue
};

/// Moves member `name` out of `object` (so that an ObjectReader over the rest does not see it)
/// and checks it: the JSON type `kind`, at most kMaxDocumentDepth levels, at most
/// MaxDocumentBytes() as JSON, and no NUL character in any string or key (jsonb cannot store
/// one). A failure is recorded in
/// `errors` at "/name" and gives kInvalid.
TakenDocument TakeDocument(nlohmann::json& object, std::string_view name,
                           nlohmann::json::value_t kind, domain::FieldErrors& errors);

/// The members every resource shows but the server owns.
inline constexpr std::array<std::string_view, 5> kServerOwnedMembers = {
    "id", "version", "created_at", "updated_at", "created_by"};

/// Moves each member of `names` present in `object` out of it (so that an ObjectReader over
/// the rest does not see it), recording "cannot be changed" at its pointer: a PATCH body may
/// well be a copy of what GET returned.
void TakeReadOnly(nlohmann::json& object, std::span<const std::string_view> names,
                  domain::FieldErrors& errors);

}  // namespace nedlia::api
