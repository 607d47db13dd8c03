#include "store/maintenance.hpp"

#include <spdlog/spdlog.h>

namespace nedlia::store {

int EnsureEventLogPartitions(pg::Pool& pool, int months_ahead) {
  pg::PooledConnection connection = pool.Acquire();
  return connection
      ->Execute("SELECT nedlia_ensure_event_log_partitions($1)", pg::Params(months_ahead))
      .Single()[0]
      .As<std::int32_t>();
}

MaintenanceLoop::MaintenanceLoop(pg::Pool& pool, std::chrono::milliseconds period)
    : pool_(pool), period_(period), thread_([this] { Run(); }) {}

MaintenanceLoop::~MaintenanceLoop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void MaintenanceLoop::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (const int created = EnsureEventLogPartitions(pool_); created > 0) {
        spdlog::info("created {} event_log partition(s)", created);
      }
    } catch (const std::exception& error) {
      // The next round retries; a missing partition only sends rows to the default one.
      spdlog::warn("event_log partition upkeep failed: {}", error.what());
    }
    lock.lock();
    wake_.wait_for(lock, period_, [this] { return stopping_; });
  }
}

}  // namespace nedlia::store
