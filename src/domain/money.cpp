#include "domain/money.hpp"

#include <algorithm>
#include <iterator>
#include <string>

namespace nedlia::domain {
namespace {

// ISO 4217 alphabetic codes in use, sorted.
constexpr std::string_view kIsoCurrencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "XSU", "XUA", "YER", "ZAR", "ZMW",
    "ZWG", "ZWL"};

// Currencies without minor units.
constexpr std::string_view kWholeUnitCurrencies[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                                     "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                                     "VND", "VUV", "XAF", "XOF", "XPF"};

}  // namespace

bool IsIsoCurrency(std::string_view code) {
  return std::binary_search(std::begin(kIsoCurrencies), std::end(kIsoCurrencies), code);
}

int CurrencyDecimals(std::string_view code) {
  const bool whole =
      std::binary_search(std::begin(kWholeUnitCurrencies), std::end(kWholeUnitCurrencies), code);
  return whole ? 0 : kMoneyDecimals;
}

FieldErrors ValidateCurrency(std::string_view code, std::string_view pointer) {
  if (IsIsoCurrency(code))
    return {};
  return {{std::string(pointer), "must be an ISO 4217 currency code in upper case, e.g. USD"}};
}

FieldErrors ValidateAmount(std::int64_t hundredths, std::string_view currency,
                           std::string_view pointer) {
  const std::string where(pointer);
  if (hundredths < 0)
    return {{where, "must not be negative"}};
  if (hundredths > kMaxHundredths)
    return {{where, "must be at most 9999999999.99"}};
  if (CurrencyDecimals(currency) == 0 && hundredths % 100 != 0) {
    return {{where, std::string(currency) + " has no minor unit: use a whole amount"}};
  }
  return {};
}

}  // namespace nedlia::domain
