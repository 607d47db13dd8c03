#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/uuid.hpp"

namespace nedlia::pg {

/// A text[] literal of `values` (strings, in their order), each element quoted: "a\"b" for a"b.
template <class Strings>
std::string TextArrayLiteral(const Strings& values) {
  std::string array = "{";
  for (const std::string& value : values) {
    array += array.size() > 1 ? ",\"" : "\"";
    for (const char c : value) {  // a quoted element escapes quotes and backslashes
      if (c == '"' || c == '\\')
        array += '\\';
      array += c;
    }
    array += '"';
  }
  return array + "}";
}

/// Parameters bound to $1, $2, ... in text format. Values are never spliced into SQL text.
class Params {
 public:
  Params() = default;
  template <class... Values>
  explicit Params(const Values&... values) {
    values_.reserve(sizeof...(values));
    (Add(values), ...);
  }

  Params& Add(std::nullopt_t);
  Params& Add(std::string_view value);
  Params& Add(const std::string& value) { return Add(std::string_view(value)); }
  Params& Add(const char* value) { return Add(std::string_view(value)); }
  Params& Add(bool value);
  Params& Add(std::int32_t value);
  Params& Add(std::int64_t value);
  Params& Add(std::uint32_t value) { return Add(static_cast<std::int64_t>(value)); }
  Params& Add(double value);
  Params& Add(const domain::Uuid& value);
  /// A text[] literal (each element quoted): bind it as $n::text[].
  Params& Add(const std::vector<std::string>& values);
  /// A uuid[] literal: bind it as $n::uuid[].
  Params& Add(const std::vector<domain::Uuid>& values);
  template <class T>
  Params& Add(const std::optional<T>& value) {
    return value ? Add(*value) : Add(std::nullopt);
  }

  int Count() const { return static_cast<int>(values_.size()); }
  /// Pointers for libpq, valid while this object lives unchanged (NULL for SQL NULL).
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

}  // namespace nedlia::pg
