#include "object_stores/store_directories.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "app/ports/object_store.hpp"

namespace nedlia::object_stores {
namespace {

namespace fs = std::filesystem;

// The store's directories are its owner's alone: objects are archives of rows and backups of
// the whole database, and even their names (keys) are nobody else's business. The mode is
// given here rather than by setting a umask, which is process-wide: `nedlia serve` creates
// files in other threads and starts child processes (postgres, pg_basebackup) at the same
// time. The umask still applies on top, and it can only take bits away.
constexpr mode_t kDirectoryMode = 0700;

[[noreturn]] void ThrowIo(const std::string& what, const fs::path& path) {
  throw app::ObjectStoreUnavailable(what + " " + path.string() + ": " + std::strerror(errno));
}

/// Makes `dir`; true if it did, false if it was there already.
bool MakeDirectory(const fs::path& dir) {
  if (::mkdir(dir.c_str(), kDirectoryMode) == 0)
    return true;
  if (errno == EEXIST && fs::is_directory(dir))
    return false;
  ThrowIo("cannot create directory", dir);
}

}  // namespace

void SyncDirectory(const fs::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    ThrowIo("cannot open directory", directory);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  errno = error;
  if (synced != 0)
    ThrowIo("cannot sync directory", directory);
}

void CreateStoreDirectories(const fs::path& root, const fs::path& dir, const DirectorySync& sync) {
  std::error_code error;
  if (fs::is_directory(dir, error))
    return;  // the common case: one stat
  const fs::path parent = root.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, error)) {
    fs::create_directories(parent, error);
    if (error) {
      throw app::ObjectStoreUnavailable("cannot create " + parent.string() + ": " +
                                        error.message());
    }
  }
  const fs::path below_root = dir.lexically_relative(root);
  assert(!below_root.empty() && *below_root.begin() != "..");  // keys never leave the root
  fs::path path = root;
  if (MakeDirectory(path))
    sync(parent.empty() ? fs::path(".") : parent);
  for (const fs::path& segment : below_root) {
    if (segment == ".")
      continue;
    const fs::path holder = path;
    path /= segment;
    if (MakeDirectory(path))
      sync(holder);
  }
}

}  // namespace nedlia::object_stores
