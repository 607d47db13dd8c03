#pragma once

#include <string>
#include <string_view>

namespace nedlia::archive {

/// How long rows stay in the database before `archive run` moves them to the object store
/// (the specification's retention table). API logs are deleted, not archived (store/).
struct RetentionPolicy {
  int deleted_placements_days = 90;  ///< after deleted_at
  int validation_runs_days = 365;    ///< after created_at
  int event_log_days = 730;          ///< after the end of the partition's month

  /// The shortest event log retention accepted: a month. The log is archived a whole monthly
  /// partition at a time, and consumers and `events replay` read it.
  static constexpr int kMinEventLogDays = 31;

  /// Throws std::invalid_argument naming the setting when a value would delete data younger
  /// than an archive can cover (see kMinEventLogDays) or is not a positive number of days.
  void Check() const;
};

}  // namespace nedlia::archive
