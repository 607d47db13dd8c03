#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/backup_time.hpp"

namespace nedlia::backup {

/// Object-store key prefixes: base and logical backups, and archived WAL files.
inline constexpr std::string_view kBackupPrefix = "backups/";
inline constexpr std::string_view kWalPrefix = "wal/";

enum class BackupKind {
  kBase,     ///< pg_basebackup of the managed cluster; restored with the archived WAL (PITR)
  kLogical,  ///< pg_dump -Fc of one database; restored with pg_restore
};

/// One object of a backup, as it must be found again.
struct StoredFile {
  std::string name;  ///< its role, e.g. "base.tar.zst", "backup_manifest", "dump.pgdump"
  std::string key;   ///< backups/<id>/<name>
  std::uint64_t size = 0;
  std::string sha256;  ///< lowercase hex of the stored bytes
};

/// What a backup holds, written last (backups/<id>/manifest.json): a backup without its
/// manifest is incomplete and is neither listed nor restored.
struct BackupManifest {
  BackupKind kind = BackupKind::kBase;
  std::string id;
  Timestamp started_at;
  Timestamp finished_at;  ///< base: after the backup's end; a restore target must not precede it
  std::string pg_version;
  // Base backups: the WAL the backup needs (from the backup's own backup_manifest).
  std::uint32_t timeline = 0;
  std::string start_lsn;
  std::string stop_lsn;
  std::string start_wal;  ///< the first WAL segment's file name; older WAL is not needed
  // Logical backups: which database (its URL with the password hidden).
  std::string database;
  std::vector<StoredFile> files;

  const StoredFile& File(std::string_view name) const;  ///< throws BackupError when absent
  std::uint64_t TotalSize() const;
};

std::string ManifestKey(std::string_view id);
std::string FileKey(std::string_view id, std::string_view name);
/// A new unique id: the UTC time, the kind and a random suffix (sortable by time).
std::string NewBackupId(BackupKind kind, Timestamp now);
std::string_view KindName(BackupKind kind);

std::string ToJson(const BackupManifest& manifest);
/// Throws BackupError naming `key` when the text is not a manifest.
BackupManifest ManifestFromJson(std::string_view json, std::string_view key);

/// The WAL segment file name of `lsn` ("0/3000028") on `timeline`, for 16 MiB segments.
std::string WalFileName(std::uint32_t timeline, std::string_view lsn);

}  // namespace nedlia::backup
