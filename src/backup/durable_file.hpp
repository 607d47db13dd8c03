#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "process/subprocess.hpp"

namespace nedlia::backup {

/// Writes `bytes` to `path`: created with mode 0600 (an existing file is truncated and keeps
/// its mode), fsynced before it returns when `then_sync`. Throws BackupError.
void WritePrivateFile(const std::filesystem::path& path, std::string_view bytes,
                      bool then_sync = false);

/// Replaces `path` with `bytes` so that neither a reader nor a crash ever sees a part of it:
/// a temporary file beside it (mode 0600: WAL and settings are nobody else's), fsynced, given
/// to `owner` when set, renamed over `path`, and the directory fsynced so that the rename
/// survives a crash too. Throws BackupError.
void ReplaceFileDurably(const std::filesystem::path& path, std::string_view bytes,
                        const std::optional<process::UserIdentity>& owner = std::nullopt);

/// fsync of `directory`: entries just created or renamed in it survive a crash. Throws
/// BackupError.
void SyncDirectory(const std::filesystem::path& directory);

}  // namespace nedlia::backup
