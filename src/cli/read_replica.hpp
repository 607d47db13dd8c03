#pragma once

#include <string>

#include "pg/pool.hpp"
#include "pg/replica_monitor.hpp"
#include "repositories/replica_reads.hpp"

namespace nedlia::cli {

/// The read replica `nedlia serve` sends reads to: a pool on it, the monitor of its lag
/// (exported as nedlia_replica_lag_seconds, nedlia_replica_lag_bytes and nedlia_replica_up),
/// and the policy that decides read by read whether it may answer.
class ReadReplica {
 public:
  struct Options {
    std::string primary_url;
    std::string replica_url;
    std::size_t pool_size = 8;
    std::chrono::milliseconds statement_timeout{0};  ///< 0: the server's default
    std::chrono::milliseconds max_lag{1000};         ///< the staleness bound
  };

  explicit ReadReplica(const Options& options);

  repositories::ReplicaReads& Reads() { return reads_; }
  void Close() { pool_.Close(); }

 private:
  pg::Pool pool_;
  pg::ReplicaMonitor monitor_;
  repositories::ReplicaReads reads_;
};

}  // namespace nedlia::cli
