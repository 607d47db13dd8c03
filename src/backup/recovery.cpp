#include "backup/recovery.hpp"

#include <sys/stat.h>

#include <memory>
#include <thread>

#include "backup/backup_catalog.hpp"
#include "backup/backup_error.hpp"
#include "backup/base_backup.hpp"
#include "backup/compression.hpp"
#include "backup/durable_file.hpp"
#include "backup/scratch_directory.hpp"
#include "pg/cluster_files.hpp"
#include "pg/connection.hpp"
#include "pg/errors.hpp"

namespace nedlia::backup {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kPrivatePort = 5432;  // only names the socket file: no TCP listener
constexpr auto kToolTimeout = std::chrono::hours(1);
constexpr auto kRecoveryPatience = std::chrono::hours(6);  // replaying a day of WAL takes time
constexpr std::string_view kRecoveryMarker = "\n# ---- nedlia backup restore (temporary) ----\n";

std::string ConfQuote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("''") : std::string(1, c);
  }
  return quoted + "'";
}

void GiveToServer(const fs::path& path, const RecoverySetup& setup) {
  pg::GiveTo(path, setup.server_user);
}

void RunAsServer(const RecoverySetup& setup, const std::vector<std::string>& argv,
                 const std::string& what) {
  process::RunOptions options{.timeout = kToolTimeout};
  if (setup.server_user) {
    options.user = setup.server_user->name;
  }
  const auto result = process::Run(argv, options);
  if (!result.Succeeded()) {
    throw BackupError(what + ": " +
                      DescribeFailure(fs::path(argv[0]).filename().string(), result.exit_code,
                                      result.timed_out, result.output));
  }
}

// A staging directory removed on failure; Commit() renames it into place.
class Staging {
 public:
  Staging(const fs::path& target, const RecoverySetup& setup)
      : target_(target), path_(target.string() + ".restoring") {
    std::error_code ignored;
    fs::remove_all(path_, ignored);  // a leftover of an interrupted restore
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms::owner_all);
    GiveToServer(path_, setup);
  }
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;
  Staging(Staging&&) = delete;
  Staging& operator=(Staging&&) = delete;
  ~Staging() {
    if (!committed_) {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }
  const fs::path& Path() const { return path_; }
  void Commit() {
    std::error_code ignored;
    fs::remove(target_, ignored);  // an empty directory (checked) may stand there
    fs::rename(path_, target_);
    committed_ = true;
    SyncDirectory(target_.parent_path());  // the restored cluster is there after a crash too
  }

 private:
  fs::path target_;
  fs::path path_;
  bool committed_ = false;
};

void RefuseNonEmpty(const fs::path& data_dir) {
  std::error_code error;
  if (fs::exists(data_dir, error) && !(fs::is_directory(data_dir) && fs::is_empty(data_dir))) {
    throw BackupError(data_dir.string() +
                      " exists and is not empty; restore into a new or empty directory");
  }
}

// Fetches and checks everything before the staging directory is even made.
void FetchInto(app::ObjectStore& store, const BackupManifest& backup, const fs::path& run_dir,
               const RecoverySetup& setup) {
  const std::string frame = FetchVerified(store, backup, backup.File("base.tar.zst"));
  const std::string tar = Decompress(frame, "backup " + backup.id + ": base.tar.zst");
  WriteWholeFile(run_dir / "base.tar", tar);
  WriteWholeFile(run_dir / "backup_manifest",
                 FetchVerified(store, backup, backup.File("backup_manifest")));
  GiveToServer(run_dir / "base.tar", setup);
  GiveToServer(run_dir / "backup_manifest", setup);
}

std::string RecoverySettings(const RecoveryTarget& target, const fs::path& run_dir,
                             const RecoverySetup& setup) {
  std::string text(kRecoveryMarker);
  text += "restore_command = " + ConfQuote(setup.restore_command(run_dir)) + "\n";
  if (target.time) {
    text += "recovery_target_time = " + ConfQuote(FormatPostgresTimestamp(*target.time)) + "\n";
  } else if (target.immediate) {
    text += "recovery_target = 'immediate'\n";
  }
  text += "recovery_target_action = 'promote'\n";
  // Private while it recovers: no TCP, a socket nobody else knows, no archiving into the
  // store the original cluster archives to, and no reader before recovery has finished.
  text += "listen_addresses = ''\nport = " + std::to_string(kPrivatePort) + "\n";
  text += "unix_socket_directories = " + ConfQuote(run_dir.string()) + "\n";
  text += "archive_mode = off\nhot_standby = off\n";
  return text;
}

// "t"/"f" of a one-value query, or empty when the server does not answer yet.
std::string QueryValue(const fs::path& run_dir, const char* sql) {
  const std::string conninfo = "host=" + run_dir.string() +
                               " port=" + std::to_string(kPrivatePort) +
                               " user=postgres dbname=postgres";
  try {
    pg::Connection connection = pg::Connection::Open(conninfo, std::chrono::seconds(5));
    const pg::Result result = connection.Execute(sql);
    return result.RowCount() == 1 ? result[0][0].As<std::string>() : "";
  } catch (const pg::Error&) {
    return "";  // starting, or recovering and not yet taking connections
  }
}

BackupError RecoveryFailed(const fs::path& run_dir, const std::string& what) {
  const std::string log = pg::LastLines(run_dir / "server.log", 3);
  return BackupError(what + (log.empty() ? "" : "; server log: " + log));
}

// Waits until recovery has ended with a promotion: the server then answers as a primary.
void AwaitPromotion(const fs::path& data_dir, const fs::path& run_dir) {
  const auto deadline = std::chrono::steady_clock::now() + kRecoveryPatience;
  while (std::chrono::steady_clock::now() < deadline) {
    if (QueryValue(run_dir, "SELECT pg_is_in_recovery()") == "f") {
      return;
    }
    const auto postmaster = pg::ReadPostmasterPid(data_dir);
    if (!postmaster || !pg::IsPostmasterAlive(postmaster->pid)) {
      throw BackupError("recovery failed: the server stopped before it was done");
    }
    std::this_thread::sleep_for(100ms);
  }
  throw BackupError("recovery did not finish in time");
}

// A server that must not outlive a failed restore (its directory is about to go).
void StopNow(const std::string& pg_ctl, const fs::path& data_dir, const RecoverySetup& setup) {
  process::Run({pg_ctl, "stop", "-D", data_dir.string(), "-m", "immediate", "-w", "-s"},
               {.user = setup.server_user ? std::optional(setup.server_user->name) : std::nullopt,
                .timeout = kToolTimeout});
}

void StartAndAwaitPromotion(const std::string& pg_ctl, const fs::path& data_dir,
                            const fs::path& run_dir, const RecoverySetup& setup) {
  try {
    RunAsServer(setup,
                {pg_ctl, "start", "-D", data_dir.string(), "-l", (run_dir / "server.log").string(),
                 "-w", "-t", "3600", "-s"},
                "the restored cluster did not start");
    AwaitPromotion(data_dir, run_dir);
    if (QueryValue(run_dir, "SELECT count(*) > 0 FROM pg_database") != "t") {
      throw BackupError("the restored cluster does not answer queries");
    }
  } catch (const BackupError& error) {
    StopNow(pg_ctl, data_dir, setup);
    throw RecoveryFailed(run_dir, error.what());
  } catch (...) {
    StopNow(pg_ctl, data_dir, setup);
    throw;
  }
}

void Recover(const fs::path& data_dir, const RecoveryTarget& target, const fs::path& run_dir,
             const RecoverySetup& setup) {
  const fs::path auto_conf = data_dir / "postgresql.auto.conf";
  const std::string original = fs::exists(auto_conf) ? ReadWholeFile(auto_conf) : "";
  WriteWholeFile(auto_conf, original + RecoverySettings(target, run_dir, setup));
  WriteWholeFile(data_dir / "recovery.signal", "");
  GiveToServer(auto_conf, setup);
  GiveToServer(data_dir / "recovery.signal", setup);
  const std::string pg_ctl = setup.binaries.Program("pg_ctl").string();
  StartAndAwaitPromotion(pg_ctl, data_dir, run_dir, setup);
  RunAsServer(setup, {pg_ctl, "stop", "-D", data_dir.string(), "-m", "fast", "-w", "-s"},
              "the restored cluster did not stop");
  // The recovery settings go; archiving stays off so that a restored copy never archives
  // into the store its original archives to (remove the line to make it a primary).
  WriteWholeFile(auto_conf, original +
                                "# nedlia backup restore: this copy does not archive WAL "
                                "(remove to let it)\narchive_mode = off\n");
}

}  // namespace

void RestoreBaseBackup(app::ObjectStore& store, const BackupManifest& backup,
                       const RecoveryTarget& target, const fs::path& data_dir,
                       const RecoverySetup& setup) {
  if (backup.kind != BackupKind::kBase) {
    throw BackupError("backup " + backup.id + " is a logical backup: use `restore --logical`");
  }
  RefuseNonEmpty(data_dir);
  const ScratchDirectory run_dir("nedlia-restore");
  GiveToServer(run_dir.Path(), setup);
  FetchInto(store, backup, run_dir.Path(), setup);

  fs::create_directories(data_dir.parent_path());
  Staging staging(data_dir, setup);
  const std::string staged = staging.Path().string();
  RunAsServer(setup, {"tar", "-xf", (run_dir.Path() / "base.tar").string(), "-C", staged},
              "cannot unpack backup " + backup.id);
  RunAsServer(setup,
              {setup.binaries.Program("pg_verifybackup").string(), "--no-parse-wal", "--quiet",
               "--manifest-path=" + (run_dir.Path() / "backup_manifest").string(), staged},
              "backup " + backup.id + " fails pg_verifybackup");
  if (!fs::exists(staging.Path() / "pg_wal")) {
    fs::create_directory(staging.Path() / "pg_wal");
    fs::permissions(staging.Path() / "pg_wal", fs::perms::owner_all);  // as initdb makes it
    GiveToServer(staging.Path() / "pg_wal", setup);
  }
  Recover(staging.Path(), target, run_dir.Path(), setup);
  staging.Commit();
}

void TestRestore(app::ObjectStore& store, const BackupManifest& backup,
                 const RecoverySetup& setup) {
  const ScratchDirectory scratch("nedlia-verify");
  GiveToServer(scratch.Path(), setup);
  RestoreBaseBackup(store, backup, {.time = std::nullopt, .immediate = true},
                    scratch.Path() / "data", setup);
}

}  // namespace nedlia::backup
