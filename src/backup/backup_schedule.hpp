#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace nedlia::backup {

/// Runs a job in a background thread: first after `first_delay`, then every `period`, until
/// destroyed. The job decides itself whether there is work (e.g. "is the newest backup a day
/// old?"), so restarts never double the work. A failing job is logged and retried next time.
class BackupSchedule {
 public:
  BackupSchedule(std::function<void()> job, std::chrono::milliseconds first_delay,
                 std::chrono::milliseconds period);
  /// Stops and joins the thread (waiting for a job in progress to finish).
  ~BackupSchedule();
  BackupSchedule(const BackupSchedule&) = delete;
  BackupSchedule& operator=(const BackupSchedule&) = delete;
  BackupSchedule(BackupSchedule&&) = delete;
  BackupSchedule& operator=(BackupSchedule&&) = delete;

 private:
  void Run(std::chrono::milliseconds first_delay);

  std::function<void()> job_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nedlia::backup
