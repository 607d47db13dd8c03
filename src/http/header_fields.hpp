#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nedlia::http {

/// One HTTP header field as it travels: names keep the case they were given.
struct HeaderField {
  std::string name;
  std::string value;
};

/// True when `a` and `b` are equal ignoring ASCII case (header names, tokens).
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

/// The value of the first field named `name` (case-insensitive), if there is one.
std::optional<std::string_view> FindHeader(const std::vector<HeaderField>& fields,
                                           std::string_view name);

}  // namespace nedlia::http
