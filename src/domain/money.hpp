#pragma once

#include <cstdint>
#include <string_view>

#include "domain/field_error.hpp"

namespace nedlia::domain {

/// Amounts are exact: integer hundredths of the currency's major unit, the scale of the
/// database's DECIMAL(12,2) columns. Never floating point.
inline constexpr int kMoneyDecimals = 2;
/// DECIMAL(12,2) holds at most 9,999,999,999.99.
inline constexpr int kMoneyIntegerDigits = 10;
inline constexpr std::int64_t kMaxHundredths = 999'999'999'999;

/// True for an active ISO 4217 alphabetic code ("USD", "EUR", "JPY").
bool IsIsoCurrency(std::string_view code);

/// How many fraction digits the currency uses (JPY 0, USD 2), capped at our scale of 2.
int CurrencyDecimals(std::string_view code);

/// An ISO 4217 code in upper case.
FieldErrors ValidateCurrency(std::string_view code, std::string_view pointer);

/// A non-negative amount that fits the column and uses no more fraction digits than its
/// currency has (no "100.50" yen).
FieldErrors ValidateAmount(std::int64_t hundredths, std::string_view currency,
                           std::string_view pointer);

}  // namespace nedlia::domain
