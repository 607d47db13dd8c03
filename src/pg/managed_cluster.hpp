#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "pg/cluster_layout.hpp"

namespace nedlia::pg {

/// Where the managed cluster lives and listens.
struct ClusterOptions {
  std::filesystem::path dir;                     ///< its home: data/, sock/, server.log, initdb.log
  int port = 55432;                              ///< TCP port on 127.0.0.1 (and the socket's name)
  std::optional<std::filesystem::path> bin_dir;  ///< default: $NEDLIA_PG_BIN, else the newest
  /// The most WAL one replication slot may keep (PostgreSQL's max_slot_wal_keep_size: a size
  /// such as 8GB, or -1 for no limit).
  std::string max_slot_wal_keep_size = "8GB";
};

/// A snapshot of the cluster's state.
struct ClusterStatus {
  bool initialized = false;  ///< the data directory holds a cluster
  bool running = false;      ///< a postmaster runs on the data directory
  bool accepting = false;    ///< it accepts connections
  std::optional<pid_t> pid;  ///< the postmaster's, while running
  int port = 0;              ///< where it listens (running) or will listen
  std::filesystem::path home;
  std::filesystem::path data_dir;
  std::filesystem::path socket_dir;
  std::filesystem::path server_log;
  std::string version;  ///< the server's version when it answers, else the data directory's
};

/// The local PostgreSQL cluster nedlia creates and runs when no external database is
/// configured: initdb on first start, then pg_ctl. As root the server runs as the `postgres` OS
/// user. Start and Stop are idempotent and serialised between processes by a lock file, so two
/// `nedlia` processes starting it at once cannot corrupt it.
class ManagedCluster {
 public:
  static constexpr std::string_view kDatabase = "nedlia";     ///< created on first start
  static constexpr std::string_view kSuperuser = "postgres";  ///< initdb -U, trust auth

  /// Resolves the layout (no side effects); throws ClusterError when we are root and there is
  /// no `postgres` OS user.
  explicit ManagedCluster(ClusterOptions options);

  /// Initialises the cluster if needed, starts it if stopped and makes sure database `nedlia`
  /// exists. Returns false when it was already running. Throws ClusterError (one line saying
  /// what to do) and leaves no half-made data directory behind.
  bool Start();
  /// Fast shutdown (active sessions are rolled back). Returns false when it was not running.
  bool Stop();
  /// Where and whether it runs.
  ClusterStatus Status() const;

  /// A libpq URI over the Unix socket, e.g. postgresql://postgres@/nedlia?host=/abs/sock&port=1
  std::string Url(std::string_view dbname = kDatabase) const;
  /// The same over TCP: postgresql://postgres@127.0.0.1:PORT/DBNAME
  std::string TcpUrl(std::string_view dbname = kDatabase) const;

  const ClusterLayout& Layout() const { return layout_; }

  /// Why it must not start as a primary (a replica was promoted in its place: the reason
  /// Fence was given); nullopt when nothing stops it. Start refuses a fenced cluster unless its
  /// data directory is a standby's, so that a failed-over primary never takes writes again
  /// beside the promoted one, however it is started (any nedlia command starts it on demand).
  std::optional<std::string> FenceReason() const;
  void Fence(const std::string& reason) const;
  void LiftFence() const;
  /// True when its data directory starts as a standby (standby.signal).
  bool IsStandby() const;

  /// Continuous WAL archiving from the next Start on: archive_mode on, this archive_command
  /// (PostgreSQL's %p and %f placeholders) and an archive_timeout that bounds how much
  /// committed work only the live cluster holds. Changing it takes a restart.
  void EnableWalArchiving(std::string archive_command) {
    archive_command_ = std::move(archive_command);
  }

 private:
  struct Endpoint {
    int port;
    std::filesystem::path socket_dir;
  };

  Endpoint CurrentEndpoint() const;
  std::optional<int> DataMajorVersion() const;
  /// Throws unless the data directory is absent, empty, or a cluster the server user owns.
  void CheckDataDirectory() const;
  void PrepareHome() const;
  void CheckPortIsFree() const;
  /// True when the data directory holds a cluster these binaries run; false when there is none
  /// yet. Call with the lock held.
  bool HasUsableCluster(const PostgresBinaries& binaries) const;
  void InitDb(const PostgresBinaries& binaries) const;
  void PrepareSocketDirectory() const;
  void StartServer(const PostgresBinaries& binaries) const;
  bool AcceptsConnections() const;
  void EnsureDatabase() const;
  process::RunOptions AsServerUser(std::chrono::seconds timeout) const;

  ClusterOptions options_;
  ClusterLayout layout_;
  std::string archive_command_;  ///< empty: no WAL archiving
};

}  // namespace nedlia::pg
