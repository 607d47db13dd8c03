#include "http/header_fields.hpp"

#include <algorithm>

namespace nedlia::http {
namespace {

char LowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return LowerAscii(x) == LowerAscii(y); });
}

std::optional<std::string_view> FindHeader(const std::vector<HeaderField>& fields,
                                           std::string_view name) {
  for (const HeaderField& field : fields) {
    if (EqualsIgnoringCase(field.name, name)) {
      return field.value;
    }
  }
  return std::nullopt;
}

}  // namespace nedlia::http
