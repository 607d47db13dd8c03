#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace nedlia::object_stores {

/// The on-disk form of one object of the filesystem store: "nedlia-object 1 <content type>\n"
/// then the bytes, so that the type and the bytes are replaced together by one rename.
struct ObjectFile {
  std::string content_type;
  std::string bytes;
  std::uint64_t size = 0;  ///< of the bytes (set even when only the header was read)
};

/// Writes an object file at `path`, in a directory that exists, atomically (temporary file,
/// fsync, rename, fsync of the directory), mode 0600; throws ObjectStoreUnavailable on an I/O
/// error.
void WriteObjectFile(const std::filesystem::path& path, const std::string& content_type,
                     const std::string& bytes);
/// Reads it (bytes too when `with_bytes`); nullopt when absent; ObjectStoreError when it is
/// not an object file, ObjectStoreUnavailable on an I/O error.
std::optional<ObjectFile> ReadObjectFile(const std::filesystem::path& path, bool with_bytes);
/// Whether a directory entry's name is a half-written file of WriteObjectFile.
bool IsTemporaryName(const std::string& name);

}  // namespace nedlia::object_stores
