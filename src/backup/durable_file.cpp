#include "backup/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "backup/backup_error.hpp"
#include "pg/cluster_layout.hpp"

namespace nedlia::backup {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void ThrowIo(const std::string& what, const fs::path& path) {
  throw BackupError(what + " " + path.string() + ": " + std::strerror(errno));
}

/// Closes the descriptor on every path out.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  Descriptor(Descriptor&&) = delete;
  Descriptor& operator=(Descriptor&&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int Get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

void WritePrivateFile(const fs::path& path, std::string_view bytes, bool then_sync) {
  // A mode at creation, not a umask: the umask is the whole process's, shared with serve's
  // other threads and inherited by the children it starts.
  const Descriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (file.Get() < 0) {
    ThrowIo("cannot create", path);
  }
  while (!bytes.empty()) {
    const ssize_t written = ::write(file.Get(), bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written < 0) {
      ThrowIo("cannot write", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  if (then_sync && ::fsync(file.Get()) != 0) {
    ThrowIo("cannot sync", path);
  }
}

void SyncDirectory(const fs::path& directory) {
  const Descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.Get() < 0 || ::fsync(dir.Get()) != 0) {
    ThrowIo("cannot sync directory", directory);
  }
}

void ReplaceFileDurably(const fs::path& path, std::string_view bytes,
                        const std::optional<process::UserIdentity>& owner) {
  const fs::path temporary = path.string() + ".nedlia-new";
  try {
    WritePrivateFile(temporary, bytes, true);
    pg::GiveTo(temporary, owner);
  } catch (...) {
    ::unlink(temporary.c_str());
    throw;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    errno = error;
    ThrowIo("cannot rename into", path);
  }
  SyncDirectory(path.has_parent_path() ? path.parent_path() : fs::path("."));
}

}  // namespace nedlia::backup
