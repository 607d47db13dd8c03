#include "cli/read_replica.hpp"

#include <algorithm>

#include "metrics/registry.hpp"

namespace nedlia::cli {
namespace {

using std::chrono::milliseconds;

// Poll several times within the bound (a replica can only be trusted up to its last poll),
// but no more often than every 10 ms nor less than every 100 ms.
milliseconds PollInterval(milliseconds max_lag) {
  return std::clamp(max_lag / 4, milliseconds(10), milliseconds(100));
}

// A busy replica sends the read to the primary rather than keep it waiting.
constexpr milliseconds kReplicaAcquireTimeout{250};

std::function<void(const pg::ReplicaLag&)> ExportTo(metrics::Registry& registry) {
  metrics::Gauge& seconds = registry.GetGauge(
      "nedlia_replica_lag_seconds",
      "How far the read replica is behind the primary: 0 when it has replayed all the primary "
      "had written at the last poll, else the time since it last had.");
  metrics::Gauge& bytes = registry.GetGauge(
      "nedlia_replica_lag_bytes", "WAL written on the primary not yet replayed by the replica.");
  metrics::Gauge& up = registry.GetGauge(
      "nedlia_replica_up", "1 when the last poll reached the read replica as a standby, else 0.");
  return [&seconds, &bytes, &up](const pg::ReplicaLag& lag) {
    seconds.Set(lag.seconds);
    bytes.Set(static_cast<double>(lag.bytes));
    up.Set(lag.reachable ? 1 : 0);
  };
}

}  // namespace

ReadReplica::ReadReplica(const Options& options)
    : pool_(pg::PoolOptions{.url = options.replica_url,
                            .max_size = options.pool_size,
                            .acquire_timeout = kReplicaAcquireTimeout,
                            .connect_timeout = std::chrono::seconds(2),
                            .statement_timeout = options.statement_timeout,
                            .target = pg::TargetSession::kAny}),
      monitor_(options.primary_url, options.replica_url, PollInterval(options.max_lag),
               ExportTo(metrics::Registry::Process())),
      reads_(pool_, monitor_, options.max_lag, metrics::Registry::Process()) {}

}  // namespace nedlia::cli
