#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace nedlia::pg {

/// What a running postmaster wrote into DATA/postmaster.pid.
struct PostmasterInfo {
  pid_t pid = 0;
  int port = 0;
  std::filesystem::path socket_dir;  ///< the first of unix_socket_directories; may be empty
  std::string state;                 ///< "starting", "ready", "stopping", ...
};

/// Reads DATA/postmaster.pid; std::nullopt when it is absent, unreadable or malformed.
std::optional<PostmasterInfo> ReadPostmasterPid(const std::filesystem::path& data_dir);

/// True when a postmaster with this id runs (even one we may not signal). A pid file left by a
/// crash may name a process that has nothing to do with PostgreSQL: that one does not count.
bool IsPostmasterAlive(pid_t pid);

/// True when nothing listens on 127.0.0.1:`port` (TIME_WAIT leftovers do not count).
bool IsLoopbackPortFree(int port);

/// Rewrites the block of settings nedlia owns at the end of postgresql.conf (listen address,
/// port, socket directory, wal_level logical, the most WAL a replication slot may retain and,
/// when `archive_command` is not empty, WAL archiving), leaving everything above its marker
/// line alone. Writes only when something changed.
void WriteManagedSettings(const std::filesystem::path& postgresql_conf, int port,
                          const std::filesystem::path& socket_dir,
                          std::string_view max_slot_wal_keep_size,
                          std::string_view archive_command = {});

/// The last `count` non-empty lines of `file` from byte `offset` on, joined with " | " so that
/// an error stays on one line. Empty when there are none.
std::string LastLines(const std::filesystem::path& file, std::size_t count,
                      std::uintmax_t offset = 0);

/// The size of `file`, 0 when it does not exist.
std::uintmax_t FileSize(const std::filesystem::path& file);

/// An exclusive flock(2) on a file (created if needed), held until destruction. The lock dies
/// with the process, so a crash never leaves the cluster locked.
class FileLock {
 public:
  /// Waits up to `patience` for the lock; throws ClusterError when it is still held then.
  FileLock(const std::filesystem::path& file, std::chrono::seconds patience);
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&&) = delete;
  FileLock& operator=(FileLock&&) = delete;
  ~FileLock();

 private:
  int fd_ = -1;
};

}  // namespace nedlia::pg
