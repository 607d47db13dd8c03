#include "pg/replica_monitor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "pg/errors.hpp"

namespace nedlia::pg {
namespace {

// A poll that hangs must not freeze the measurement for long: it then reads as unreachable.
constexpr auto kConnectTimeout = std::chrono::seconds(2);
// Samples not yet covered are kept for this many polls at most (a replica stopped for hours
// would otherwise grow the queue without bound); dropping the oldest only overstates the lag.
constexpr std::size_t kMaxSamples = 4096;

// LSNs as byte positions, so that they compare and subtract as integers.
constexpr const char* kPrimarySql = "SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint";
constexpr const char* kReplicaSql =
    "SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0')::bigint";

Connection& Connected(std::optional<Connection>& connection, const std::string& url,
                      TargetSession target) {
  if (!connection || !connection->IsOpen()) {
    connection.emplace(Connection::Open(url, kConnectTimeout, target));
  }
  return *connection;
}

}  // namespace

ReplicaMonitor::ReplicaMonitor(std::string primary_url, std::string replica_url,
                               std::chrono::milliseconds interval,
                               std::function<void(const ReplicaLag&)> on_poll)
    : primary_url_(std::move(primary_url)),
      replica_url_(std::move(replica_url)),
      interval_(interval),
      on_poll_(std::move(on_poll)),
      started_at_(Clock::now()),
      thread_(std::chrono::milliseconds(0), [this] { return Tick(); }) {}

ReplicaLag ReplicaMonitor::Latest() const {
  const std::lock_guard lock(mutex_);
  return latest_;
}

std::chrono::milliseconds ReplicaMonitor::Tick() {
  const ReplicaLag lag = Poll();
  if (lag.reachable != was_reachable_) {
    spdlog::info(lag.reachable ? "read replica reachable: reads may go to it again"
                               : "read replica unreachable or not a standby: reads go to "
                                 "the primary");
    was_reachable_ = lag.reachable;
  }
  {
    const std::lock_guard lock(mutex_);
    latest_ = lag;
  }
  if (on_poll_) {
    on_poll_(lag);
  }
  return interval_;
}

ReplicaLag ReplicaMonitor::Poll() {
  try {
    return Measure();
  } catch (const Error& error) {
    spdlog::debug("read replica poll failed: {}", error.what());
    // Reconnect on the next poll: either side may have restarted.
    primary_.reset();
    replica_.reset();
    return Unusable();
  }
}

ReplicaLag ReplicaMonitor::Unusable() const {
  ReplicaLag lag;
  lag.covered_until = covered_until_;
  lag.seconds = SecondsBehind();
  return lag;
}

double ReplicaMonitor::SecondsBehind() const {
  // Never covered yet: behind for at least as long as we have been watching.
  const Clock::time_point since = std::max(covered_until_, started_at_);
  return std::chrono::duration<double>(Clock::now() - since).count();
}

ReplicaLag ReplicaMonitor::Measure() {
  const Clock::time_point asked_at = Clock::now();
  // The primary first: whatever it had committed before asked_at is at or below its answer.
  const auto primary_lsn = Connected(primary_, primary_url_, TargetSession::kReadWrite)
                               .Execute(kPrimarySql)
                               .Single()[0]
                               .As<std::int64_t>();
  const auto row =
      Connected(replica_, replica_url_, TargetSession::kAny).Execute(kReplicaSql).Single();
  const auto [in_recovery, replay_lsn] = row.As<bool, std::optional<std::int64_t>>();
  if (!in_recovery || !replay_lsn) {  // promoted, or not a standby at all
    return Unusable();
  }
  samples_.push_back({asked_at, primary_lsn});
  if (samples_.size() > kMaxSamples) {
    samples_.pop_front();
  }
  Cover(*replay_lsn);
  ReplicaLag lag;
  lag.reachable = true;
  lag.covered_until = covered_until_;
  lag.bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, primary_lsn - *replay_lsn));
  if (*replay_lsn < primary_lsn) {
    lag.seconds = SecondsBehind();
  }
  return lag;
}

void ReplicaMonitor::Cover(std::int64_t replay_lsn) {
  while (!samples_.empty() && samples_.front().primary_lsn <= replay_lsn) {
    covered_until_ = samples_.front().asked_at;
    samples_.pop_front();
  }
}

}  // namespace nedlia::pg
