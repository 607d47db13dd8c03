#pragma once

#include <chrono>
#include <functional>

#include "process/periodic_thread.hpp"

namespace nedlia::backup {

/// Runs a job in a background thread: first after `first_delay`, then every `period`, until
/// destroyed. The job decides itself whether there is work (e.g. "is the newest backup a day
/// old?"), so restarts never double the work. A failing job is logged and retried next time.
class BackupSchedule {
 public:
  BackupSchedule(std::function<void()> job, std::chrono::milliseconds first_delay,
                 std::chrono::milliseconds period);

 private:
  std::chrono::milliseconds RunOnce();

  std::function<void()> job_;
  std::chrono::milliseconds period_;
  /// Its destructor waits for a job in progress to finish.
  process::PeriodicThread thread_;
};

}  // namespace nedlia::backup
