#include "backup/wal_archive.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <optional>

#include "archive/archive_codec.hpp"
#include "backup/backup_error.hpp"
#include "backup/backup_manifest.hpp"
#include "backup/compression.hpp"
#include "backup/durable_file.hpp"
#include "backup/scratch_directory.hpp"
#include "crypto/digest.hpp"

namespace nedlia::backup {
namespace {

namespace fs = std::filesystem;

bool IsHex(std::string_view text, std::size_t count) {
  if (text.size() < count) {
    return false;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (std::isxdigit(static_cast<unsigned char>(text[i])) == 0 ||
        std::islower(static_cast<unsigned char>(text[i])) != 0) {
      return false;
    }
  }
  return true;
}

/// The WAL file archived under `key`, or nullopt when there is none that recovery could use:
/// absent, or a frame that does not decompress whole (zstd checks its content checksum), as
/// a push whose read-back failed may have left. Such a copy is replaced by the retry.
std::optional<std::string> UsableArchivedCopy(app::ObjectStore& store, const std::string& key) {
  try {
    return Decompress(store.Get(key).bytes, key);
  } catch (const app::ObjectNotFound&) {
    return std::nullopt;
  } catch (const BackupError& damaged) {
    spdlog::warn("{}; storing the segment again", damaged.what());
    return std::nullopt;
  }
}

// Once wal-push exits 0, PostgreSQL may recycle the segment: if the store did not keep what it
// acknowledged, that part of the history is gone for every restore. So the object is read
// back, and must be the frame that was sent (size, then SHA-256); otherwise the push fails
// and PostgreSQL keeps the segment and retries.
void CheckReadBack(app::ObjectStore& store, const std::string& key, const std::string& frame) {
  std::string stored;
  try {
    stored = store.Get(key).bytes;
  } catch (const app::ObjectNotFound&) {
    throw BackupError(key + " is missing when read back right after it was stored; not archived");
  }
  if (stored.size() != frame.size()) {
    throw BackupError(key + " reads back as " + std::to_string(stored.size()) + " bytes, not the " +
                      std::to_string(frame.size()) + " stored; not archived");
  }
  if (crypto::Sha256Hex(stored) != crypto::Sha256Hex(frame)) {
    throw BackupError(key + " reads back with a SHA-256 other than what was stored; not archived");
  }
}

}  // namespace

bool IsWalFileName(std::string_view name) {
  if (name.size() == 24 && IsHex(name, 24)) {
    return true;
  }
  if (name.size() == 32 && IsHex(name, 24) && name.substr(24) == ".partial") {
    return true;
  }
  if (name.size() == 40 && IsHex(name, 24) && name[24] == '.' && IsHex(name.substr(25), 8) &&
      name.substr(33) == ".backup") {
    return true;
  }
  return name.size() == 16 && IsHex(name, 8) && name.substr(8) == ".history";
}

std::string WalKey(std::string_view name) {
  return std::string(kWalPrefix) + std::string(name) + ".zst";
}

std::string_view WalPosition(std::string_view name) {
  if (name.size() < 24 || !IsHex(name, 24)) {
    return {};
  }
  return name.substr(8, 16);
}

PushOutcome PushWalFile(app::ObjectStore& store, const fs::path& path, std::string_view name) {
  if (!IsWalFileName(name)) {
    throw BackupError("'" + std::string(name) + "' is not a WAL file name");
  }
  const std::string bytes = ReadWholeFile(path);
  const std::string key = WalKey(name);
  if (const auto archived = UsableArchivedCopy(store, key)) {
    // PostgreSQL archives a file again when it crashed before recording success: the same
    // bytes are a success, anything else must never replace what recovery may rely on.
    if (*archived == bytes) {
      return PushOutcome::kAlreadyArchived;
    }
    throw BackupError(key +
                      " is already archived with different content; refusing to "
                      "overwrite it (is a second cluster archiving into the same store?)");
  }
  const std::string frame = Compress(bytes);
  store.Put(key, frame, {});
  CheckReadBack(store, key, frame);
  return PushOutcome::kArchived;
}

bool FetchWalFile(app::ObjectStore& store, std::string_view name, const fs::path& destination) {
  if (!IsWalFileName(name)) {
    throw BackupError("'" + std::string(name) + "' is not a WAL file name");
  }
  const std::string key = WalKey(name);
  std::string frame;
  try {
    frame = store.Get(key).bytes;
  } catch (const app::ObjectNotFound&) {
    return false;
  }
  ReplaceFileDurably(destination, Decompress(frame, key));
  return true;
}

}  // namespace nedlia::backup
