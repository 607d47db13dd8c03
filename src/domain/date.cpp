#include "domain/date.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace nedlia::domain {
namespace {

std::optional<int> Digits(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<Date> Date::Parse(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  const auto year = Digits(text.substr(0, 4));
  const auto month = Digits(text.substr(5, 2));
  const auto day = Digits(text.substr(8, 2));
  if (!year || !month || !day || *year == 0)
    return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(*year),
                                         std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok())
    return std::nullopt;
  return Date(std::chrono::sys_days(date));
}

std::string Date::ToString() const {
  const std::chrono::year_month_day date(days_);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string FormatRfc3339(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(epoch_ms)};
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char text[32];
  std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
      static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
      static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::optional<std::int64_t> ParseRfc3339Utc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text.back() != 'Z')
    return std::nullopt;
  const std::optional<Date> date = Date::Parse(text.substr(0, 10));
  const auto hours = Digits(text.substr(11, 2));
  const auto minutes = Digits(text.substr(14, 2));
  const auto seconds = Digits(text.substr(17, 2));
  if (!date || !hours || !minutes || !seconds || *hours > 23 || *minutes > 59 || *seconds > 60)
    return std::nullopt;
  std::int64_t ms = 0;
  const std::string_view fraction = text.substr(19, text.size() - 20);
  if (!fraction.empty()) {
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    if (fraction.size() < 2 || fraction[0] != '.' ||
        !std::all_of(fraction.begin() + 1, fraction.end(), is_digit))
      return std::nullopt;
    const std::string digits = std::string(fraction.substr(1)) + "00";
    ms = *Digits(std::string_view(digits).substr(0, 3));
  }
  const std::chrono::sys_days day = date->Days();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             day.time_since_epoch() + std::chrono::hours(*hours) + std::chrono::minutes(*minutes) +
             std::chrono::seconds(*seconds))
             .count() +
         ms;
}

}  // namespace nedlia::domain
