#pragma once

#include <cstdint>
#include <string_view>

#include "domain/field_error.hpp"

namespace nedlia::domain {

/// Times in a video are seconds with millisecond precision (DECIMAL(10,3) in the database),
/// held here as integer milliseconds.
inline constexpr int kSecondsDecimals = 3;
/// DECIMAL(10,3) holds at most 9,999,999.999 seconds.
inline constexpr int kSecondsIntegerDigits = 7;
inline constexpr std::int64_t kMaxMilliseconds = 9'999'999'999;

/// A half-open interval [start, end) of a video's timeline: a placement that ends at 10 s and
/// one that starts at 10 s do not overlap.
struct TimeRange {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;

  std::int64_t DurationMs() const { return end_ms - start_ms; }
  bool Overlaps(const TimeRange& other) const {
    return start_ms < other.end_ms && other.start_ms < end_ms;
  }
  /// True when the range ends no later than a video of `duration_ms` does.
  bool LiesWithin(std::int64_t duration_ms) const { return end_ms <= duration_ms; }

  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

/// Start >= 0, end > start, both storable. `pointer` locates the range ("/time_range"); the
/// errors point at its members.
FieldErrors Validate(const TimeRange& range, std::string_view pointer);

/// A video's duration must be positive and storable.
FieldErrors ValidateDuration(std::int64_t duration_ms, std::string_view pointer);

}  // namespace nedlia::domain
