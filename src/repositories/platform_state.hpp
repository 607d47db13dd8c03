#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace nedlia::repositories {

/// What the database says about the platform's health, whichever process did the work: read
/// by every process for its metrics.
struct PlatformState {
  struct PerConsumer {
    std::string consumer;
    std::int64_t dead_letters = 0;        ///< in event_dead_letters (replays pending included)
    std::int64_t blocked_partitions = 0;  ///< waiting to retry a failed event
  };
  struct Job {
    std::string job;
    std::optional<double> last_success_unix;  ///< seconds since the epoch
    std::int64_t failures = 0;
    std::int64_t rows_total = 0;
  };
  std::vector<PerConsumer> consumers;  ///< every subscription, and every consumer with dead letters
  std::int64_t webhooks_disabled = 0;
  std::int64_t webhook_deliveries_pending = 0;
  std::vector<Job> jobs;
  /// PostgreSQL's archiver (the WAL push): the last segment archived, if it ever archived.
  std::optional<double> last_wal_archived_unix;
};

PlatformState ReadPlatformState(pg::Connection& connection);

}  // namespace nedlia::repositories
