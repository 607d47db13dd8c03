#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "pg/connection.hpp"
#include "process/periodic_thread.hpp"

namespace nedlia::pg {

/// How far a streaming replica is behind its primary, as last measured.
struct ReplicaLag {
  using Clock = std::chrono::steady_clock;

  /// The last poll reached both servers and the replica is a standby in recovery.
  bool reachable = false;
  /// Every transaction the primary had committed at this instant is visible on the replica
  /// (min: none known yet). Reads served by the replica are at most `now - covered_until` old.
  Clock::time_point covered_until = Clock::time_point::min();
  /// 0 when the replica has replayed all the primary had written at the last poll, else the
  /// time since covered_until (an upper bound of the lag).
  double seconds = 0;
  /// (When not reachable: the time since it was last known to be caught up.)
  /// WAL the primary had written at the last poll that the replica had not replayed yet.
  std::uint64_t bytes = 0;
};

/// Polls a primary and its streaming replica and keeps how far the replica is behind, in time
/// as well as in WAL. Time lag comes from LSNs rather than pg_last_xact_replay_timestamp(),
/// which grows without bound on a primary that is merely idle: each poll notes the primary's
/// WAL insert position with the instant it was asked, and once the replica's replay position
/// passes it, everything committed before that instant is known to be on the replica.
class ReplicaMonitor {
 public:
  using Clock = ReplicaLag::Clock;

  /// Starts polling every `interval` on connections of its own; `on_poll`, when given, sees
  /// each measurement (metrics), on the monitor's thread.
  ReplicaMonitor(std::string primary_url, std::string replica_url,
                 std::chrono::milliseconds interval,
                 std::function<void(const ReplicaLag&)> on_poll = {});
  ReplicaMonitor(const ReplicaMonitor&) = delete;
  ReplicaMonitor& operator=(const ReplicaMonitor&) = delete;
  ReplicaMonitor(ReplicaMonitor&&) = delete;
  ReplicaMonitor& operator=(ReplicaMonitor&&) = delete;
  /// Stops the polling thread promptly (PeriodicThread wakes it from its wait).
  ~ReplicaMonitor() = default;

  /// The latest measurement.
  ReplicaLag Latest() const;

 private:
  struct Sample {
    Clock::time_point asked_at;
    std::int64_t primary_lsn = 0;
  };

  /// One poll; returns the wait before the next.
  std::chrono::milliseconds Tick();
  ReplicaLag Poll();
  /// Measures; throws pg::Error when a server cannot be reached.
  ReplicaLag Measure();
  /// A measurement that says "do not read the replica".
  ReplicaLag Unusable() const;
  double SecondsBehind() const;
  /// Moves covered_until_ to the newest sample the replica has replayed past.
  void Cover(std::int64_t replay_lsn);

  std::string primary_url_;
  std::string replica_url_;
  std::chrono::milliseconds interval_;
  std::function<void(const ReplicaLag&)> on_poll_;
  Clock::time_point started_at_;
  // Used by the polling thread only.
  std::optional<Connection> primary_;
  std::optional<Connection> replica_;
  std::deque<Sample> samples_;
  Clock::time_point covered_until_ = Clock::time_point::min();

  bool was_reachable_ = true;  ///< polling thread only

  mutable std::mutex mutex_;
  ReplicaLag latest_;
  process::PeriodicThread thread_;  // last: starts once everything above is constructed
};

}  // namespace nedlia::pg
