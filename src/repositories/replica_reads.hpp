#pragma once

#include <atomic>
#include <chrono>

#include "metrics/registry.hpp"
#include "pg/pool.hpp"
#include "pg/replica_monitor.hpp"

namespace nedlia::repositories {

/// Decides, read by read, whether a read replica may answer: only while it is reachable, its
/// lag is within the bound, and it has replayed every write this process committed (so a
/// client never misses its own write). Otherwise the primary answers. Counts both in
/// `nedlia_reads_total{served_by=...}`.
class ReplicaReads {
 public:
  using Clock = pg::ReplicaLag::Clock;

  ReplicaReads(pg::Pool& replica, const pg::ReplicaMonitor& monitor,
               std::chrono::milliseconds max_lag, metrics::Registry& registry);

  /// The replica's pool when it may serve a read now, else null (use the primary).
  pg::Pool* Choose() const;
  /// Called when a write transaction ended (committed, or perhaps: in doubt): reads wait for
  /// the replica to be seen past this instant.
  void NoteWrite();
  /// Says which server answered a read.
  void CountReplica() { replica_reads_.Increment(); }
  void CountPrimary() { primary_reads_.Increment(); }

 private:
  pg::Pool& replica_;
  const pg::ReplicaMonitor& monitor_;
  std::chrono::milliseconds max_lag_;
  std::atomic<Clock::rep> last_write_{Clock::time_point::min().time_since_epoch().count()};
  metrics::Counter& replica_reads_;
  metrics::Counter& primary_reads_;
};

}  // namespace nedlia::repositories
