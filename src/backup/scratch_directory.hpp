#pragma once

#include <filesystem>
#include <string>

namespace nedlia::backup {

/// A fresh private directory under /tmp, removed with everything in it on destruction (also
/// when an operation fails half-way, so nothing half-done is left behind).
class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& prefix);
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ScratchDirectory(ScratchDirectory&&) = delete;
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ~ScratchDirectory();

  const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The whole content of a file; throws BackupError when it cannot be read.
std::string ReadWholeFile(const std::filesystem::path& path);
/// Writes `bytes` to `path` (created with mode 0600, or truncated); throws BackupError.
void WriteWholeFile(const std::filesystem::path& path, const std::string& bytes);

}  // namespace nedlia::backup
