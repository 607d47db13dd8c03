#include "repositories/replica_reads.hpp"

namespace nedlia::repositories {
namespace {

constexpr const char* kReadsName = "nedlia_reads_total";
constexpr const char* kReadsHelp =
    "API reads by the server that answered them: the read replica, or the primary (no replica, "
    "or it lagged beyond the bound, was unreachable, or had not replayed this process's last "
    "write yet).";

}  // namespace

ReplicaReads::ReplicaReads(pg::Pool& replica, const pg::ReplicaMonitor& monitor,
                           std::chrono::milliseconds max_lag, metrics::Registry& registry)
    : replica_(replica),
      monitor_(monitor),
      max_lag_(max_lag),
      replica_reads_(registry.GetCounter(kReadsName, kReadsHelp, "served_by=\"replica\"")),
      primary_reads_(registry.GetCounter(kReadsName, kReadsHelp, "served_by=\"primary\"")) {}

pg::Pool* ReplicaReads::Choose() const {
  const pg::ReplicaLag lag = monitor_.Latest();
  if (!lag.reachable)
    return nullptr;
  // covered_until is when the replica was last known to hold all the primary had: the age of
  // what it serves. It can only be known up to one poll ago, so an idle replica stays usable.
  if (lag.covered_until < Clock::now() - max_lag_)
    return nullptr;
  // Read-your-writes: this process's last write must be known to be on the replica.
  const Clock::time_point last_write{Clock::duration(last_write_.load())};
  if (lag.covered_until < last_write)
    return nullptr;
  return &replica_;
}

void ReplicaReads::NoteWrite() {
  const Clock::rep now = Clock::now().time_since_epoch().count();
  Clock::rep seen = last_write_.load();
  // Only forward: a writer that read the clock earlier must not move it back.
  while (seen < now && !last_write_.compare_exchange_weak(seen, now)) {
  }
}

}  // namespace nedlia::repositories
