#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "pg/managed_cluster.hpp"

namespace nedlia::pg {

class Connection;

/// Where one named replica lives.
struct ReplicaOptions {
  std::string name = "replica";  ///< [a-z0-9_], at most 40: names its replication slot too
  std::filesystem::path dir;     ///< its home, like the primary's (data/, sock/, server.log)
  /// Its TCP port on 127.0.0.1; default: the one it was created with, else the primary's + 1.
  std::optional<int> port;
};

/// What the replica says about its replication, and the primary about it.
struct ReplicationState {
  bool in_recovery = false;    ///< still a standby (not promoted)
  std::string receiver;        ///< pg_stat_wal_receiver.status ("streaming"); empty: none
  bool replay_paused = false;  ///< pg_wal_replay_pause() is in effect
  std::string sender;          ///< pg_stat_replication.state on the primary; empty: none
  std::optional<std::int64_t> lag_bytes;  ///< primary's WAL position minus the replay position
  std::optional<double> lag_seconds;      ///< the primary's replay_lag (null once idle: 0)
};

/// A snapshot of a replica.
struct ReplicaStatus {
  ClusterStatus cluster;
  std::string slot;
  bool promoted = false;  ///< no longer a standby (its data directory says so, running or not)
  std::optional<ReplicationState> replication;  ///< while it answers
};

/// What ReplicaCluster::Promote did.
struct Promotion {
  bool already = false;               ///< it was a primary already: nothing was done
  std::chrono::milliseconds took{0};  ///< from the request until it took writes
};

/// A streaming standby of the managed cluster: a base backup (pg_basebackup -R -X stream) in a
/// home of its own, following the primary through a physical replication slot (so the primary
/// keeps the WAL it has not received yet, even while it is stopped). Once made it is a managed
/// cluster like the primary: started, stopped and located by the same ManagedCluster code.
class ReplicaCluster {
 public:
  /// Resolves both layouts (no side effects); throws ClusterError on a bad name or port.
  ReplicaCluster(const ClusterOptions& primary, ReplicaOptions replica);

  /// Makes the replica from the running primary and starts it. Throws ClusterError (one line)
  /// and then leaves nothing behind: no directory, no slot.
  void Create();
  /// Starts it (returns false when it was already running); throws ClusterError when it was
  /// never created.
  bool Start();
  /// Fast shutdown; false when it was not running.
  bool Stop();
  ReplicaStatus Status() const;
  /// Stops it, drops its slot (the primary then stops keeping WAL for it) and deletes its
  /// directory. Needs the primary running; throws ClusterError, changing nothing, when not, or
  /// when it was promoted (it is a primary now, perhaps the one in use).
  void Drop();
  /// Makes it a primary (failover): asks it to leave recovery (pg_promote) and waits, at most
  /// `timeout`, until it has and a read-write session opens on it. Refuses while the managed
  /// primary still takes writes (two primaries would split the data: stop it first), and then
  /// fences that primary (ManagedCluster::FenceReason) so that it never starts as a primary
  /// again. Its slot stays on the old primary, which is down; re-cloning that one as a standby
  /// removes it. Idempotent: an already promoted replica answers `already`. Throws ClusterError
  /// (one line) when it does not exist, is not running, or has not finished in time.
  Promotion Promote(std::chrono::milliseconds timeout);

  std::string Url(std::string_view dbname = ManagedCluster::kDatabase) const {
    return replica_.Url(dbname);
  }
  std::string TcpUrl(std::string_view dbname = ManagedCluster::kDatabase) const {
    return replica_.TcpUrl(dbname);
  }
  const std::string& SlotName() const { return slot_; }
  /// True when its data directory exists.
  bool Exists() const;

 private:
  void CheckCanCreate() const;
  /// Runs pg_basebackup into the staging directory; returns whether it made the slot.
  bool BaseBackup() const;
  void Forget(bool slot_made, bool home_made) const;
  void DropSlot() const;
  /// Drops the slot once its sender has gone (it outlives the replica's shutdown briefly).
  void DropSlotWhenReleased() const;
  bool SlotExists() const;
  std::optional<ReplicationState> Replication() const;
  // Promotion (replica_promotion.cpp).
  void RefuseWhilePrimaryTakesWrites(std::string_view then) const;
  void AwaitWrites(Connection& session, std::chrono::steady_clock::time_point deadline) const;
  void ClearSynchronousStandbys(Connection& session) const;
  void FenceOldPrimary() const;
  void ForgetOldPrimary(Connection& session) const;

  ClusterOptions primary_options_;
  ManagedCluster primary_;
  ReplicaOptions options_;
  std::string slot_;
  ManagedCluster replica_;
};

}  // namespace nedlia::pg
