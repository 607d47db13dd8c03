#include "pg/params.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace nedlia::pg {

Params& Params::Add(std::nullopt_t) {
  values_.emplace_back(std::nullopt);
  return *this;
}

Params& Params::Add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::Add(bool value) {
  values_.emplace_back(value ? "t" : "f");
  return *this;
}

Params& Params::Add(std::int32_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::Add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::Add(double value) {
  if (std::isnan(value)) {
    values_.emplace_back("NaN");
  } else if (std::isinf(value)) {
    values_.emplace_back(value > 0 ? "Infinity" : "-Infinity");
  } else {
    // Shortest text that reads back as the same double.
    std::array<char, 32> buffer{};
    auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    values_.emplace_back(std::string(buffer.data(), end));
  }
  return *this;
}

Params& Params::Add(const domain::Uuid& value) {
  values_.emplace_back(value.ToString());
  return *this;
}

Params& Params::Add(const std::vector<std::string>& values) {
  values_.emplace_back(TextArrayLiteral(values));
  return *this;
}

Params& Params::Add(const std::vector<domain::Uuid>& values) {
  std::string array = "{";
  for (const domain::Uuid& value : values) {
    array += array.size() > 1 ? "," : "";
    array += value.ToString();
  }
  values_.emplace_back(array + "}");
  return *this;
}

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_)
    pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

}  // namespace nedlia::pg
