#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pg/pool.hpp"

namespace nedlia::store {

/// Creates the event_log partitions of the current month and the next `months_ahead`
/// (idempotent; moves rows out of the default partition); returns how many it created.
int EnsureEventLogPartitions(pg::Pool& pool, int months_ahead = 3);

/// Runs the database's routine upkeep in the background while a server runs: event_log
/// partitions are kept three months ahead, checked at start and then every `period`.
class MaintenanceLoop {
 public:
  MaintenanceLoop(pg::Pool& pool, std::chrono::milliseconds period);
  /// Stops and joins the thread.
  ~MaintenanceLoop();
  MaintenanceLoop(const MaintenanceLoop&) = delete;
  MaintenanceLoop& operator=(const MaintenanceLoop&) = delete;

 private:
  void Run();

  pg::Pool& pool_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nedlia::store
