#include "backup/scratch_directory.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "backup/backup_error.hpp"
#include "backup/durable_file.hpp"

namespace nedlia::backup {

ScratchDirectory::ScratchDirectory(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw BackupError("cannot create a temporary directory in /tmp: " +
                      std::string(std::strerror(errno)));
  }
  path_ = pattern;
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    throw BackupError("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  // One allocation and one read: base backups are as large as the database.
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    throw BackupError("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  return bytes;
}

void WriteWholeFile(const std::filesystem::path& path, const std::string& bytes) {
  WritePrivateFile(path, bytes);  // a base.tar or a dump is the whole database
}

}  // namespace nedlia::backup
