#include "backup/backup_time.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace nedlia::backup {
namespace {

using namespace std::chrono;

// Reads exactly `digits` decimal digits at `pos`, advancing it (no sign: from_chars would take
// "-001" for a year and "-1" for an hour).
std::optional<int> Digits(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (const char c : text.substr(pos, digits)) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool Expect(std::string_view text, std::size_t& pos, std::string_view any_of) {
  if (pos < text.size() && any_of.find(text[pos]) != std::string_view::npos) {
    ++pos;
    return true;
  }
  return false;
}

// ".123456" -> 123456 µs; more than six digits are truncated, as PostgreSQL rounds anyway.
microseconds Fraction(std::string_view text, std::size_t& pos) {
  if (!Expect(text, pos, ".")) {
    return microseconds(0);
  }
  long long value = 0;
  int digits = 0;
  for (; pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0; ++pos) {
    if (digits < 6) {
      value = value * 10 + (text[pos] - '0');
      ++digits;
    }
  }
  for (; digits < 6; ++digits) {
    value *= 10;
  }
  return microseconds(value);
}

// "Z", "+HH", "+HH:MM", "+HHMM" up to 15:59, PostgreSQL's limit; the offset to subtract to get
// UTC.
std::optional<minutes> ZoneOffset(std::string_view text, std::size_t& pos) {
  if (Expect(text, pos, "Zz")) {
    return minutes(0);
  }
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) {
    return std::nullopt;
  }
  const int sign = text[pos++] == '-' ? -1 : 1;
  const auto hours_part = Digits(text, pos, 2);
  if (!hours_part) {
    return std::nullopt;
  }
  int minutes_part = 0;
  if (pos < text.size()) {
    Expect(text, pos, ":");
    const auto parsed = Digits(text, pos, 2);
    if (!parsed) {
      return std::nullopt;
    }
    minutes_part = *parsed;
  }
  if (*hours_part > 15 || minutes_part > 59) {
    return std::nullopt;
  }
  return minutes(sign * (*hours_part * 60 + minutes_part));
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view text) {
  std::size_t pos = 0;
  const auto y = Digits(text, pos, 4);
  const bool dash1 = Expect(text, pos, "-");
  const auto mo = Digits(text, pos, 2);
  const bool dash2 = Expect(text, pos, "-");
  const auto d = Digits(text, pos, 2);
  const bool separator = Expect(text, pos, "Tt ");
  const auto h = Digits(text, pos, 2);
  const bool colon1 = Expect(text, pos, ":");
  const auto mi = Digits(text, pos, 2);
  const bool colon2 = Expect(text, pos, ":");
  const auto s = Digits(text, pos, 2);
  if (!y || !mo || !d || !h || !mi || !s || !dash1 || !dash2 || !separator || !colon1 || !colon2 ||
      *h > 23 || *mi > 59 || *s > 59) {
    return std::nullopt;
  }
  const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)),
                            day(static_cast<unsigned>(*d))};
  if (!date.ok()) {
    return std::nullopt;
  }
  const microseconds fraction = Fraction(text, pos);
  const auto offset = ZoneOffset(text, pos);
  if (!offset || pos != text.size()) {
    return std::nullopt;
  }
  const Timestamp time =
      Timestamp(sys_days(date)) + hours(*h) + minutes(*mi) + seconds(*s) + fraction - *offset;
  // In UTC, still a year FormatTimestamp writes with four digits ("0000-01-01T00:00:00+01:00"
  // is in year -1), so that every time read is written back as the same time.
  const year utc_year = year_month_day(floor<days>(time)).year();
  if (utc_year < year(1) || utc_year > year(9999)) {
    return std::nullopt;
  }
  return time;
}

std::string FormatTimestamp(Timestamp time) {
  const auto day_start = floor<days>(time);
  const year_month_day date(day_start);
  const hh_mm_ss<microseconds> clock(time - day_start);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return text;
}

std::string FormatPostgresTimestamp(Timestamp time) {
  std::string text = FormatTimestamp(time);
  text[10] = ' ';
  text.pop_back();  // the Z
  return text + "+00";
}

Timestamp Now() {
  return floor<microseconds>(system_clock::now());
}

}  // namespace nedlia::backup
