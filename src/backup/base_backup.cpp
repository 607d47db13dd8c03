#include "backup/base_backup.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "backup/backup_catalog.hpp"
#include "backup/backup_error.hpp"
#include "backup/compression.hpp"
#include "backup/scratch_directory.hpp"
#include "pg/connection.hpp"
#include "process/subprocess.hpp"

namespace nedlia::backup {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// pg_basebackup -X none waits until the backup's last WAL segment is archived; bounded so a
// stuck archiver cannot hang a scheduled backup forever.
constexpr auto kBaseBackupTimeout = std::chrono::hours(2);

void CheckArchiving(const std::string& url) {
  pg::Connection connection = pg::Connection::Open(url);
  const auto mode = connection.Execute("SHOW archive_mode").Single()[0].As<std::string>();
  if (mode == "off") {
    throw BackupError(
        "WAL archiving is off on this cluster, so a base backup could not be restored to a "
        "point in time; with NEDLIA_BACKUP_ARCHIVE_WAL=on (the default) restart it (`nedlia db "
        "stop && nedlia db start`) to turn it on");
  }
  const auto failing =
      connection
          .Execute(
              "SELECT coalesce(last_failed_time > coalesce(last_archived_time, '-infinity'), "
              "false) FROM pg_stat_archiver")
          .Single()[0]
          .As<bool>();
  if (failing) {
    throw BackupError(
        "WAL archiving is failing (see the server log: is the object store reachable?); a "
        "base backup needs its WAL archived. PostgreSQL retries every minute: try again once "
        "it has caught up");
  }
}

// The WAL range PostgreSQL recorded in its backup_manifest.
void ReadWalRange(const std::string& backup_manifest, BackupManifest& manifest) {
  try {
    const auto ranges = nlohmann::json::parse(backup_manifest).at("WAL-Ranges");
    manifest.timeline = ranges.at(0).at("Timeline").get<std::uint32_t>();
    manifest.start_lsn = ranges.at(0).at("Start-LSN").get<std::string>();
    manifest.stop_lsn = ranges.at(ranges.size() - 1).at("End-LSN").get<std::string>();
  } catch (const std::exception& error) {
    throw BackupError(std::string("pg_basebackup wrote an unreadable backup_manifest: ") +
                      error.what());
  }
  manifest.start_wal = WalFileName(manifest.timeline, manifest.start_lsn);
}

void RefuseTablespaces(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name != "base.tar" && name != "backup_manifest") {
      throw BackupError("the cluster has tablespaces outside its data directory (" + name +
                        "); nedlia backs up clusters without tablespaces only");
    }
  }
}

std::string Elapsed(Timestamp since) {
  return std::to_string(std::chrono::duration<double>(Now() - since).count()) + " s";
}

}  // namespace

std::string DescribeFailure(const std::string& program, int exit_code, bool timed_out,
                            const std::string& output) {
  std::string text = output;
  for (char& c : text) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  if (text.size() > 400) {
    text = "..." + text.substr(text.size() - 400);
  }
  const std::string how =
      timed_out ? "did not finish in time" : "exited with status " + std::to_string(exit_code);
  return program + " " + how + (text.empty() ? "" : ": " + text);
}

BackupManifest CreateBaseBackup(app::ObjectStore& store, const BackupSource& source) {
  CheckArchiving(source.url);
  BackupManifest manifest;
  manifest.kind = BackupKind::kBase;
  manifest.started_at = Now();
  manifest.id = NewBackupId(BackupKind::kBase, manifest.started_at);
  manifest.pg_version = source.binaries.version;

  const ScratchDirectory scratch("nedlia-basebackup");
  const fs::path out = scratch.Path() / "out";
  const auto result =
      process::Run({source.binaries.Program("pg_basebackup").string(), "--dbname=" + source.url,
                    "-D", out.string(), "-Ft", "-X", "none", "--checkpoint=fast", "--no-password",
                    "--label=nedlia " + manifest.id},
                   {.timeout = kBaseBackupTimeout});
  if (!result.Succeeded()) {
    throw BackupError(
        DescribeFailure("pg_basebackup", result.exit_code, result.timed_out, result.output));
  }
  manifest.finished_at = Now();
  spdlog::debug("backup {}: pg_basebackup took {}", manifest.id, Elapsed(manifest.started_at));
  RefuseTablespaces(out);
  const std::string backup_manifest = ReadWholeFile(out / "backup_manifest");
  ReadWalRange(backup_manifest, manifest);
  const std::string compressed = Compress(ReadWholeFile(out / "base.tar"));
  spdlog::debug("backup {}: compressed after {}", manifest.id, Elapsed(manifest.started_at));
  manifest.files.push_back(PutNewFile(store, manifest.id, "base.tar.zst", compressed));
  manifest.files.push_back(PutNewFile(store, manifest.id, "backup_manifest", backup_manifest));
  PutManifest(store, manifest);
  spdlog::debug("backup {}: stored after {}", manifest.id, Elapsed(manifest.started_at));
  return manifest;
}

}  // namespace nedlia::backup
