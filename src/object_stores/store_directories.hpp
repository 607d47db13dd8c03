#pragma once

#include <filesystem>
#include <functional>

namespace nedlia::object_stores {

/// Makes the entries of `directory` durable (fsync of the directory); throws
/// app::ObjectStoreUnavailable on an I/O error.
void SyncDirectory(const std::filesystem::path& directory);

/// What CreateStoreDirectories calls to make a new directory's entry durable: SyncDirectory,
/// or, in a test, something that records which directories were synced and when.
using DirectorySync = std::function<void(const std::filesystem::path& directory)>;

/// Creates `dir` (`root` itself or a directory below it) and those of its ancestors from
/// `root` down that are missing, each mode 0700, and syncs the parent of each one it makes
/// right after making it: a file fsynced and renamed into a directory whose own entry was
/// never synced can vanish with that directory in a crash. Directories above `root` are
/// created like `mkdir -p` (default mode, not synced): they are not the store's.
/// Throws app::ObjectStoreUnavailable on an I/O error.
void CreateStoreDirectories(const std::filesystem::path& root, const std::filesystem::path& dir,
                            const DirectorySync& sync = SyncDirectory);

}  // namespace nedlia::object_stores
