#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nedlia::domain {

/// Exact fixed-point numbers: a value with `decimals` digits after the point is held as the
/// integer value * 10^decimals (seconds as milliseconds, money as minor units), so arithmetic
/// and comparisons never round.

/// The scaled integer of a JSON number, or nullopt when it is not finite, has more than
/// `decimals` significant digits after the point (12.5 is fine for 3 decimals, 0.0001 is not)
/// or does not fit in `max_integer_digits` digits before the point.
std::optional<std::int64_t> ScaleExactly(double value, int decimals, int max_integer_digits);

/// Parses decimal text such as "-12.50" or "7" exactly (PostgreSQL's NUMERIC output, or a
/// client's string); nullopt for anything else or for more than `decimals` fraction digits.
std::optional<std::int64_t> ParseDecimal(std::string_view text, int decimals);

/// The text of a scaled integer with exactly `decimals` fraction digits: (12500, 3) -> "12.500".
std::string FormatDecimal(std::int64_t scaled, int decimals);

/// The nearest double, for JSON output: (12500, 3) -> 12.5.
double ToDouble(std::int64_t scaled, int decimals);

}  // namespace nedlia::domain
