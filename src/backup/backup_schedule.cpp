#include "backup/backup_schedule.hpp"

#include <spdlog/spdlog.h>

namespace nedlia::backup {

BackupSchedule::BackupSchedule(std::function<void()> job, std::chrono::milliseconds first_delay,
                               std::chrono::milliseconds period)
    : job_(std::move(job)), period_(period), thread_([this, first_delay] { Run(first_delay); }) {}

BackupSchedule::~BackupSchedule() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void BackupSchedule::Run(std::chrono::milliseconds first_delay) {
  std::chrono::milliseconds wait = first_delay;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, wait, [this] { return stopping_; })) {
        return;
      }
    }
    try {
      job_();
    } catch (const std::exception& error) {
      spdlog::error("scheduled backup failed (retried in {} min): {}",
                    std::chrono::duration_cast<std::chrono::minutes>(period_).count(),
                    error.what());
    }
    wait = period_;
  }
}

}  // namespace nedlia::backup
