#include "domain/time_range.hpp"

#include <string>

namespace nedlia::domain {
namespace {

std::string Member(std::string_view pointer, std::string_view name) {
  return std::string(pointer) + "/" + std::string(name);
}

}  // namespace

FieldErrors Validate(const TimeRange& range, std::string_view pointer) {
  FieldErrors errors;
  if (range.start_ms < 0) {
    errors.push_back({Member(pointer, "start_time"), "must be zero or more seconds"});
  }
  if (range.start_ms > kMaxMilliseconds) {
    errors.push_back({Member(pointer, "start_time"), "must be at most 9999999.999 seconds"});
  }
  if (range.end_ms > kMaxMilliseconds) {
    errors.push_back({Member(pointer, "end_time"), "must be at most 9999999.999 seconds"});
  }
  if (range.end_ms <= range.start_ms) {
    errors.push_back({Member(pointer, "end_time"), "must be after start_time"});
  }
  return errors;
}

FieldErrors ValidateDuration(std::int64_t duration_ms, std::string_view pointer) {
  if (duration_ms <= 0)
    return {{std::string(pointer), "must be more than zero seconds"}};
  if (duration_ms > kMaxMilliseconds) {
    return {{std::string(pointer), "must be at most 9999999.999 seconds"}};
  }
  return {};
}

}  // namespace nedlia::domain
