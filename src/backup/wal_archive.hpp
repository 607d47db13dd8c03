#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "app/ports/object_store.hpp"

namespace nedlia::backup {

/// True for the names PostgreSQL archives: WAL segments (24 hex digits, maybe ".partial"),
/// backup history files (".backup") and timeline history files ("NNNNNNNN.history").
bool IsWalFileName(std::string_view name);

/// The object key of an archived WAL file: wal/<name>.zst.
std::string WalKey(std::string_view name);

enum class PushOutcome { kArchived, kAlreadyArchived };

/// archive_command's work: stores the WAL file at `path` as `name`, zstd-compressed, then reads
/// it back and throws BackupError unless the store holds exactly what was sent (size and
/// SHA-256). When the key exists with the same content (PostgreSQL retries after a crash) it
/// succeeds without writing; with different content it throws BackupError (never overwrites),
/// except a copy that does not decompress, which no recovery can use: that one is replaced.
/// Throws app::ObjectStoreError when the store cannot be reached. Any throw makes wal-push
/// exit 1, so PostgreSQL keeps the segment and retries.
PushOutcome PushWalFile(app::ObjectStore& store, const std::filesystem::path& path,
                        std::string_view name);

/// restore_command's work: writes archived WAL file `name` to `destination` (atomically and
/// durably, via a temporary file in its directory; mode 0600). False when the archive has no
/// such file, which ends recovery; throws when the store is down or the file is damaged.
bool FetchWalFile(app::ObjectStore& store, std::string_view name,
                  const std::filesystem::path& destination);

/// The position part of a WAL segment name (its last 16 hex digits), by which segments of
/// every timeline are ordered; empty for history files.
std::string_view WalPosition(std::string_view name);

}  // namespace nedlia::backup
