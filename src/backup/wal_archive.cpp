#include "backup/wal_archive.hpp"

#include <cctype>

#include "backup/backup_error.hpp"
#include "backup/backup_manifest.hpp"
#include "backup/compression.hpp"
#include "backup/durable_file.hpp"
#include "backup/scratch_directory.hpp"

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
  if (store.Head(key)) {
    // PostgreSQL archives a file again when it crashed before recording success: the same
    // bytes are a success, anything else must never replace what recovery may rely on.
    if (Decompress(store.Get(key).bytes, key) == bytes) {
      return PushOutcome::kAlreadyArchived;
    }
    throw BackupError(key +
                      " is already archived with different content; refusing to "
                      "overwrite it (is a second cluster archiving into the same store?)");
  }
  store.Put(key, Compress(bytes), {});
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
