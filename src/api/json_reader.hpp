#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "domain/date.hpp"
#include "domain/field_error.hpp"
#include "domain/uuid.hpp"

namespace nedlia::api {

/// Parses a request body that must be a JSON object; throws app::Error (kInvalidInput, pointer
/// "") when it is malformed or something else.
nlohmann::json ParseJsonObject(std::string_view body);

/// Reads the members of one JSON object strictly: wrong types, out-of-range values, strings
/// longer than their column and members nobody asked for each add a FieldError with the
/// member's JSON pointer. Every read of an absent optional member returns nullopt; a required
/// one also records "is required". Call Finish() last.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& object, std::string pointer, domain::FieldErrors& errors);

  enum class Presence { kRequired, kOptional };

  /// True when the member is present, even as null.
  bool Has(std::string_view name) const;
  /// True when the member is present and null (a PATCH clearing a nullable field).
  bool IsNull(std::string_view name);
  /// True when a PATCH gives the member a value; a null, for a field that can be changed but
  /// never cleared, is recorded as "cannot be null".
  bool Sets(std::string_view name);

  std::optional<std::string> Text(std::string_view name, std::size_t max_length, Presence presence);
  /// Text that may be empty (descriptions).
  std::optional<std::string> FreeText(std::string_view name, std::size_t max_length,
                                      Presence presence);
  std::optional<domain::Uuid> Id(std::string_view name, Presence presence);
  /// Seconds with up to 3 decimals, as integer milliseconds.
  std::optional<std::int64_t> Seconds(std::string_view name, Presence presence);
  /// An amount with up to 2 decimals (a JSON number or a decimal string), as hundredths.
  std::optional<std::int64_t> Money(std::string_view name, Presence presence);
  std::optional<double> Number(std::string_view name, Presence presence);
  std::optional<std::int64_t> Integer(std::string_view name, Presence presence);
  std::optional<domain::Date> Date(std::string_view name, Presence presence);
  /// One of a fixed set of texts; `parse` maps text to value, `allowed` lists them for the
  /// message.
  template <typename Enum, typename Parse>
  std::optional<Enum> Enumerated(std::string_view name, Presence presence, Parse parse,
                                 std::string_view allowed);
  /// A nested object, read by a reader of its own that shares this one's errors.
  std::optional<ObjectReader> Object(std::string_view name, Presence presence);
  /// A JSON object or array kept as serialized text (opaque documents).
  std::optional<std::string> Document(std::string_view name, nlohmann::json::value_t kind,
                                      Presence presence);

  /// Records every member that was not read as "is not a known field".
  void Finish();

  const std::string& Pointer() const { return pointer_; }
  std::string PointerTo(std::string_view name) const;
  void Fail(std::string_view name, std::string message);

 private:
  /// The member if present and not null; records "is required" when required and absent.
  const nlohmann::json* Member(std::string_view name, Presence presence);

  const nlohmann::json& object_;
  std::string pointer_;
  domain::FieldErrors& errors_;
  std::set<std::string, std::less<>> read_;
};

template <typename Enum, typename Parse>
std::optional<Enum> ObjectReader::Enumerated(std::string_view name, Presence presence, Parse parse,
                                             std::string_view allowed) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  std::optional<Enum> value;
  if (member->is_string())
    value = parse(member->get_ref<const std::string&>());
  if (!value)
    Fail(name, "must be one of: " + std::string(allowed));
  return value;
}

}  // namespace nedlia::api
