#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/registry.hpp"
#include "pg/pool.hpp"
#include "process/periodic_thread.hpp"

namespace nedlia::cli {

/// A consumer whose backlog this process reports: its name and the types it reads.
struct ConsumerReads {
  std::string name;
  std::vector<std::string> types;
};

/// The metrics read from the database rather than counted in the process (README,
/// "Metrics"): dead letters, blocked partitions, disabled webhooks and the delivery queue, when
/// each periodic job last succeeded, the WAL push; and the backlog of each consumer this process
/// runs. Sampled every `period` on a thread and a connection of their own, so that a scrape
/// never waits for the database; when a sample fails, nedlia_platform_state_up is 0 and the
/// sampled families are left out rather than shown stale.
class PlatformMetrics {
 public:
  PlatformMetrics(const std::string& url, std::vector<ConsumerReads> consumers,
                  std::chrono::milliseconds period = std::chrono::seconds(10));
  PlatformMetrics(const PlatformMetrics&) = delete;
  PlatformMetrics& operator=(const PlatformMetrics&) = delete;
  ~PlatformMetrics() = default;

  /// The last sample in the text exposition format.
  std::string Text() const;
  /// Samples now (the thread does so every period).
  void Sample();

 private:
  std::string Render(pg::Connection& connection) const;

  pg::Pool pool_;
  std::vector<ConsumerReads> consumers_;
  mutable std::mutex mutex_;
  std::string text_;
  metrics::Registry::Collector collector_;
  process::PeriodicThread sampler_;  ///< last: stops first
};

}  // namespace nedlia::cli
