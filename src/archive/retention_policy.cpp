#include "archive/retention_policy.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace nedlia::archive {
namespace {

void CheckAtLeast(std::string_view setting, int days, int minimum, std::string_view why) {
  if (days < minimum) {
    throw std::invalid_argument(
        fmt::format("{}={}: must be at least {} {}", setting, days, minimum, why));
  }
}

}  // namespace

void RetentionPolicy::Check() const {
  CheckAtLeast("NEDLIA_RETENTION_DELETED_PLACEMENTS_DAYS", deleted_placements_days, 1,
               "(0 would archive a placement the moment it is deleted)");
  CheckAtLeast("NEDLIA_RETENTION_VALIDATION_RUNS_DAYS", validation_runs_days, 1,
               "(0 would archive a validation run the moment it starts)");
  CheckAtLeast("NEDLIA_RETENTION_EVENT_LOG_DAYS", event_log_days, kMinEventLogDays,
               "(the event log is archived a whole month at a time; less would drop the "
               "events of the month that just ended, which consumers may still be reading)");
}

}  // namespace nedlia::archive
