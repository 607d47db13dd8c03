#include "object_stores/object_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "app/ports/object_store.hpp"
#include "object_stores/store_directories.hpp"

namespace nedlia::object_stores {
namespace {

constexpr std::string_view kMagic = "nedlia-object 1 ";
constexpr std::string_view kTemporaryPrefix = ".tmp-";

[[noreturn]] void ThrowIo(const std::string& what, const std::filesystem::path& path) {
  throw app::ObjectStoreUnavailable(what + " " + path.string() + ": " + std::strerror(errno));
}

/// Closes the descriptor on every path out.
struct Descriptor {
  explicit Descriptor(int descriptor) : fd(descriptor) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd >= 0)
      close(fd);
  }

  int fd;
};

void WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t written = write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR)
      continue;
    if (written < 0)
      ThrowIo("cannot write", path);
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::string TemporaryName() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  return std::string(kTemporaryPrefix) + std::to_string(random());
}

}  // namespace

bool IsTemporaryName(const std::string& name) {
  return name.starts_with(kTemporaryPrefix);
}

void WriteObjectFile(const std::filesystem::path& path, const std::string& content_type,
                     const std::string& bytes) {
  const std::filesystem::path temporary = path.parent_path() / TemporaryName();
  {
    // The owner's alone, like the store's directories (see store_directories.cpp for why a
    // mode here and not a umask); the rename keeps it.
    Descriptor file{open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
    if (file.fd < 0)
      ThrowIo("cannot create", temporary);
    try {
      WriteAll(file.fd, std::string(kMagic) + content_type + "\n", temporary);
      WriteAll(file.fd, bytes, temporary);
      // The data must be on disk before the rename makes it visible under the key.
      if (fsync(file.fd) != 0)
        ThrowIo("cannot sync", temporary);
    } catch (...) {
      unlink(temporary.c_str());
      throw;
    }
  }
  if (rename(temporary.c_str(), path.c_str()) != 0) {
    unlink(temporary.c_str());
    ThrowIo("cannot rename into", path);
  }
  SyncDirectory(path.parent_path());  // the rename itself survives a crash
}

std::optional<ObjectFile> ReadObjectFile(const std::filesystem::path& path, bool with_bytes) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    return std::nullopt;  // absent (or a directory: a prefix of other keys, not an object)
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path, error))
      return std::nullopt;  // deleted meanwhile
    ThrowIo("cannot open", path);
  }
  std::string header;
  std::getline(in, header);
  if (!header.starts_with(kMagic))
    throw app::ObjectStoreError(path.string() + " is not an object of the filesystem store");
  ObjectFile file{.content_type = header.substr(kMagic.size())};
  const auto total = std::filesystem::file_size(path, error);
  file.size = error ? 0 : total - header.size() - 1;
  if (with_bytes) {
    file.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad())
      ThrowIo("cannot read", path);
    file.size = file.bytes.size();
  }
  return file;
}

}  // namespace nedlia::object_stores
