#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "backup/backup_time.hpp"

namespace nedlia::backup {

/// The time of day, in UTC, when scheduled base backups may start (the specification's
/// 03:00-04:00 by default): a backup reads the whole cluster, so it goes where the load is
/// lowest. A window may wrap past midnight (23:30-00:30); "any" allows every hour.
class BackupWindow {
 public:
  /// "HH:MM-HH:MM" (UTC, start included, end excluded) or "any"; throws std::invalid_argument
  /// naming the text for anything else, an empty window included.
  static BackupWindow Parse(std::string_view text);
  static BackupWindow Any() { return BackupWindow(std::nullopt, std::nullopt); }

  bool Contains(Timestamp time) const;
  /// How long it is open each day (0 for any time).
  std::chrono::minutes Length() const;
  /// "03:00-04:00 UTC", or "any time".
  std::string Describe() const;

 private:
  BackupWindow(std::optional<std::chrono::minutes> start, std::optional<std::chrono::minutes> end)
      : start_(start), end_(end) {}

  std::optional<std::chrono::minutes> start_;  ///< since midnight UTC; nullopt: any time
  std::optional<std::chrono::minutes> end_;
};

/// Whether a scheduled base backup starts now, given when the newest finished: the first one
/// at once (a cluster without one cannot be restored at all), later ones inside the window
/// once the newest is `period` old, less the window's length (so that a backup that ended
/// late in yesterday's window does not push today's past the window's end) and a few
/// minutes' slack for the checks' drift.
bool ScheduledBackupDue(std::optional<Timestamp> newest, Timestamp now, std::chrono::hours period,
                        const BackupWindow& window);

}  // namespace nedlia::backup
