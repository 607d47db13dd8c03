#include "pg/result.hpp"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "pg/errors.hpp"

namespace nedlia::pg {
namespace {

[[noreturn]] void ThrowConversion(std::string_view text, const char* column, const char* type) {
  throw ConversionError("column " + std::string(column) + ": cannot read '" + std::string(text) +
                        "' as " + type);
}

template <class Int>
Int ParseInteger(std::string_view text, const char* column, const char* type) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    ThrowConversion(text, column, type);
  return value;
}

}  // namespace

std::string_view Field::View() const {
  return {PQgetvalue(result_, row_, column_),
          static_cast<std::size_t>(PQgetlength(result_, row_, column_))};
}

void Field::ThrowUnexpectedNull() const {
  throw UnexpectedNull(std::string("column ") + Name() + " is NULL");
}

Field Row::operator[](std::string_view name) const {
  const int column = PQfnumber(result_.get(), std::string(name).c_str());
  if (column < 0)
    throw std::out_of_range("result has no column " + std::string(name));
  return Field(result_.get(), row_, column);
}

std::int64_t Result::AffectedRows() const {
  const char* text = PQcmdTuples(result_.get());
  if (text == nullptr || *text == '\0')
    return 0;
  return std::strtoll(text, nullptr, 10);
}

Row Result::Single() const {
  if (RowCount() != 1) {
    throw std::logic_error("expected exactly one row, got " + std::to_string(RowCount()));
  }
  return (*this)[0];
}

namespace detail {

bool FromText<bool>::Convert(std::string_view text, const char* column) {
  if (text == "t")
    return true;
  if (text == "f")
    return false;
  ThrowConversion(text, column, "bool");
}

std::int16_t FromText<std::int16_t>::Convert(std::string_view text, const char* column) {
  return ParseInteger<std::int16_t>(text, column, "int16");
}

std::int32_t FromText<std::int32_t>::Convert(std::string_view text, const char* column) {
  return ParseInteger<std::int32_t>(text, column, "int32");
}

std::int64_t FromText<std::int64_t>::Convert(std::string_view text, const char* column) {
  return ParseInteger<std::int64_t>(text, column, "int64");
}

double FromText<double>::Convert(std::string_view text, const char* column) {
  if (text == "NaN")
    return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity")
    return std::numeric_limits<double>::infinity();
  if (text == "-Infinity")
    return -std::numeric_limits<double>::infinity();
  double value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    ThrowConversion(text, column, "double");
  return value;
}

domain::Uuid FromText<domain::Uuid>::Convert(std::string_view text, const char* column) {
  auto uuid = domain::Uuid::Parse(text);
  if (!uuid)
    ThrowConversion(text, column, "uuid");
  return *uuid;
}

}  // namespace detail
}  // namespace nedlia::pg
