#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nedlia::domain {

/// A calendar date without a time zone (a campaign's start and end), as PostgreSQL's DATE.
class Date {
 public:
  constexpr Date() = default;
  explicit constexpr Date(std::chrono::sys_days days) : days_(days) {}

  /// Parses ISO 8601 "YYYY-MM-DD" of a real date (no 2026-02-30); nullopt otherwise.
  static std::optional<Date> Parse(std::string_view text);

  /// "YYYY-MM-DD".
  std::string ToString() const;
  std::chrono::sys_days Days() const { return days_; }

  friend auto operator<=>(const Date&, const Date&) = default;

 private:
  std::chrono::sys_days days_{};
};

/// A point in time (milliseconds since the epoch) in RFC 3339, UTC, with milliseconds:
/// "2026-11-25T11:34:22.123Z".
std::string FormatRfc3339(std::int64_t epoch_ms);
/// The inverse for UTC times: "2026-11-25T11:34:22Z", with an optional fraction of a second
/// (kept to the millisecond); nullopt for anything else, offsets other than Z included.
std::optional<std::int64_t> ParseRfc3339Utc(std::string_view text);

}  // namespace nedlia::domain
