#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "process/subprocess.hpp"

namespace nedlia::pg {

/// A managed-cluster failure the user can act on: what() is one line saying what happened and
/// what to do about it.
class ClusterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server programs of one PostgreSQL installation (initdb, pg_ctl, postgres).
struct PostgresBinaries {
  std::filesystem::path bin_dir;
  int major_version = 0;  ///< 15 for PostgreSQL 15.x
  std::string version;    ///< the full version, e.g. "15.14"

  std::filesystem::path Program(std::string_view name) const { return bin_dir / name; }
};

/// Finds the server binaries: in `bin_dir` when given, else in $NEDLIA_PG_BIN, else the newest
/// /usr/lib/postgresql/<N>/bin with N >= 15 (N = `data_major` when that one is installed, so an
/// existing data directory keeps its version). Throws ClusterError saying where it looked.
PostgresBinaries FindPostgresBinaries(const std::optional<std::filesystem::path>& bin_dir,
                                      std::optional<int> data_major);

/// Where one managed cluster's files live, and who owns them.
struct ClusterLayout {
  std::filesystem::path requested_dir;  ///< the directory asked for, absolute
  std::filesystem::path home;           ///< requested_dir, or its fallback (see below)
  std::filesystem::path data_dir;       ///< home/data
  std::filesystem::path socket_dir;     ///< home/sock, or /tmp/nedlia-pg-<hash> if that is too long
  std::filesystem::path server_log;     ///< home/server.log
  std::filesystem::path initdb_log;     ///< home/initdb.log
  std::filesystem::path lock_file;      ///< home/nedlia.lock: serialises init, start and stop
  std::filesystem::path staging_dir;    ///< home/data.initdb: initdb's target until it succeeds
  /// home/failed-over: written when a replica of this cluster was promoted in its place; while
  /// it is there the cluster starts only as a standby (see ManagedCluster::Start).
  std::filesystem::path fence_file;
  /// The OS user the server runs as when we are root ("postgres"); empty: ourselves.
  std::optional<process::UserIdentity> server_user;

  /// True when home is not the requested directory.
  bool IsFallbackHome() const { return home != requested_dir; }
  /// The uid that must own the data directory.
  uid_t ServerUid() const;
  /// True when home is empty or holds something of ours (never take over a foreign directory).
  bool HomeIsOursOrEmpty() const;
};

/// Decides the layout for `dir` and `port` without touching the disk. As root, when the server
/// user cannot traverse every parent of `dir` (say it is under /root), home falls back to
/// /var/lib/nedlia/<hash of dir>; a socket path too long for sun_path falls back to
/// /tmp/nedlia-pg-<hash>. Both are deterministic, so a restart finds the same cluster.
/// Throws ClusterError when we are root and the `postgres` OS user does not exist.
ClusterLayout ResolveClusterLayout(const std::filesystem::path& dir, int port);

/// Creates `dir` and its missing parents with mode 0755 whatever the umask (so the server user
/// can traverse what root created). Throws ClusterError saying what to do.
void CreateDirectories(const std::filesystem::path& dir);

/// Makes `path` belong to `user` (no-op without one); throws ClusterError.
void GiveTo(const std::filesystem::path& path, const std::optional<process::UserIdentity>& user);

/// A libpq URI over the Unix socket: postgresql://USER@/DBNAME?host=SOCKET_DIR&port=PORT
std::string SocketUrl(std::string_view user, std::string_view dbname,
                      const std::filesystem::path& socket_dir, int port);

/// A libpq URI over TCP on the loopback: postgresql://USER@127.0.0.1:PORT/DBNAME
std::string LoopbackUrl(std::string_view user, std::string_view dbname, int port);

/// A short, stable hex digest of `text` (FNV-1a), for deterministic fallback directory names.
std::string ShortHash(std::string_view text);

}  // namespace nedlia::pg
