#include "domain/decimal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace nedlia::domain {
namespace {

constexpr std::array<std::int64_t, 10> kPowersOfTen = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

std::int64_t PowerOfTen(int exponent) {
  return kPowersOfTen.at(static_cast<std::size_t>(exponent));
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

std::optional<std::int64_t> ScaleExactly(double value, int decimals, int max_integer_digits) {
  if (!std::isfinite(value))
    return std::nullopt;
  const double limit = std::pow(10.0, max_integer_digits);
  if (std::fabs(value) >= limit)
    return std::nullopt;
  const double scaled = value * static_cast<double>(PowerOfTen(decimals));
  const double rounded = std::nearbyint(scaled);
  // A client's 12.345 arrives as the nearest double, a hair off 12345/1000; anything further
  // off than a rounding error carries digits we would have to drop silently.
  const double tolerance = std::max(1e-9, std::fabs(scaled) * 1e-12);
  if (std::fabs(scaled - rounded) > tolerance)
    return std::nullopt;
  return static_cast<std::int64_t>(rounded);
}

std::optional<std::int64_t> ParseDecimal(std::string_view text, int decimals) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  if (whole.empty() || whole.size() > 15)
    return std::nullopt;
  if (point != std::string_view::npos && fraction.empty())
    return std::nullopt;
  std::int64_t result = 0;
  for (char c : whole) {
    if (!IsDigit(c))
      return std::nullopt;
    result = result * 10 + (c - '0');
  }
  int digits = 0;
  for (char c : fraction) {
    if (!IsDigit(c))
      return std::nullopt;
    if (++digits > decimals) {
      if (c != '0')
        return std::nullopt;  // "1.500" is fine for 2 decimals, "1.505" is not
      continue;
    }
    result = result * 10 + (c - '0');
  }
  result *= PowerOfTen(decimals - std::min(digits, decimals));
  return negative ? -result : result;
}

std::string FormatDecimal(std::int64_t scaled, int decimals) {
  const std::int64_t unit = PowerOfTen(decimals);
  const std::uint64_t magnitude =
      scaled < 0 ? 0 - static_cast<std::uint64_t>(scaled) : static_cast<std::uint64_t>(scaled);
  std::string text = scaled < 0 ? "-" : "";
  text += std::to_string(magnitude / static_cast<std::uint64_t>(unit));
  if (decimals == 0)
    return text;
  std::string fraction = std::to_string(magnitude % static_cast<std::uint64_t>(unit));
  text += '.';
  text.append(static_cast<std::size_t>(decimals) - fraction.size(), '0');
  return text + fraction;
}

double ToDouble(std::int64_t scaled, int decimals) {
  // Through the decimal text, so that 12345 / 1000 becomes the double nearest to 12.345.
  return std::strtod(FormatDecimal(scaled, decimals).c_str(), nullptr);
}

}  // namespace nedlia::domain
