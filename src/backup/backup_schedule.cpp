#include "backup/backup_schedule.hpp"

#include <spdlog/spdlog.h>

namespace nedlia::backup {

BackupSchedule::BackupSchedule(std::function<void()> job, std::chrono::milliseconds first_delay,
                               std::chrono::milliseconds period)
    : job_(std::move(job)), period_(period), thread_(first_delay, [this] { return RunOnce(); }) {}

std::chrono::milliseconds BackupSchedule::RunOnce() {
  try {
    job_();
  } catch (const std::exception& error) {
    spdlog::error("scheduled backup failed (retried in {} min): {}",
                  std::chrono::duration_cast<std::chrono::minutes>(period_).count(), error.what());
  }
  return period_;
}

}  // namespace nedlia::backup
