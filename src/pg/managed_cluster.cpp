#include "pg/managed_cluster.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <memory>
#include <utility>

#include "pg/cluster_files.hpp"
#include "pg/connection.hpp"
#include "pg/errors.hpp"

namespace nedlia::pg {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kLockPatience = 300s;  // another process may be running initdb
constexpr auto kInitDbTimeout = 300s;
constexpr auto kPgCtlTimeout = 90s;
constexpr const char* kPgCtlWaitSeconds = "60";  // pg_ctl -t; below kPgCtlTimeout
constexpr std::size_t kLogLinesShown = 5;

using ConnectionPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;

ConnectionPtr Connect(const std::string& url, const char* timeout_seconds) {
  const std::array<const char*, 3> keywords = {"dbname", "connect_timeout", nullptr};
  const std::array<const char*, 3> values = {url.c_str(), timeout_seconds, nullptr};
  return {PQconnectdbParams(keywords.data(), values.data(), 1), &PQfinish};
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text;
}

ClusterError PortInUse(int port) {
  return ClusterError("port " + std::to_string(port) +
                      " on 127.0.0.1 is in use; set NEDLIA_PG_PORT (or --port) to a free port");
}

// Exists, but we may not look inside (another user's cluster).
bool IsUnreadable(const fs::path& dir) {
  return ::access(dir.c_str(), R_OK | X_OK) != 0 && errno == EACCES;
}

std::optional<PostmasterInfo> RunningPostmaster(const fs::path& data_dir) {
  auto info = ReadPostmasterPid(data_dir);
  if (!info || !IsPostmasterAlive(info->pid)) {
    return std::nullopt;
  }
  return info;
}

std::string Describe(const process::RunResult& result, const std::string& program) {
  if (result.timed_out) {
    return program + " did not finish in time";
  }
  return program + " exited with status " + std::to_string(result.exit_code);
}

}  // namespace

ManagedCluster::ManagedCluster(ClusterOptions options) : options_(std::move(options)) {
  if (options_.port < 1 || options_.port > 65535) {
    throw ClusterError("port " + std::to_string(options_.port) +
                       " is not a TCP port; set NEDLIA_PG_PORT to 1..65535");
  }
  layout_ = ResolveClusterLayout(options_.dir, options_.port);
}

bool ManagedCluster::Start() {
  const PostgresBinaries binaries = FindPostgresBinaries(options_.bin_dir, DataMajorVersion());
  // Another user's running cluster (one root started) is usable, though not ours to manage.
  if (IsUnreadable(layout_.data_dir) && AcceptsConnections()) {
    EnsureDatabase();
    return false;
  }
  // On first use, fail on a busy port before creating anything.
  if (!fs::exists(layout_.home)) {
    CheckPortIsFree();
  }
  CheckDataDirectory();
  PrepareHome();
  const FileLock lock(layout_.lock_file, kLockPatience);
  if (const auto running = RunningPostmaster(layout_.data_dir)) {
    if (running->port != options_.port) {
      spdlog::warn(
          "the managed PostgreSQL already runs on port {} (not {}); stop and start it "
          "to move it",
          running->port, options_.port);
    }
    EnsureDatabase();
    return false;
  }
  if (const auto fence = FenceReason(); fence && !IsStandby()) {
    throw ClusterError("the managed PostgreSQL in " + layout_.home.string() +
                       " must not take writes again: " + *fence +
                       "; re-clone it as a standby of the new primary (README \"Failover\"), or "
                       "delete " +
                       layout_.fence_file.string() + " if it really is to be a primary again");
  }
  CheckPortIsFree();
  if (!HasUsableCluster(binaries)) {
    InitDb(binaries);
  }
  PrepareSocketDirectory();
  WriteManagedSettings(layout_.data_dir / "postgresql.conf", options_.port, layout_.socket_dir,
                       options_.max_slot_wal_keep_size, archive_command_);
  StartServer(binaries);
  EnsureDatabase();
  return true;
}

bool ManagedCluster::Stop() {
  if (!fs::exists(layout_.home)) {
    return false;
  }
  // A data directory we cannot read hides whether a server runs: say whose it is instead.
  if (IsUnreadable(layout_.data_dir)) {
    CheckDataDirectory();
  }
  const FileLock lock(layout_.lock_file, kLockPatience);
  if (!RunningPostmaster(layout_.data_dir)) {
    return false;
  }
  const PostgresBinaries binaries = FindPostgresBinaries(options_.bin_dir, DataMajorVersion());
  const auto result =
      process::Run({binaries.Program("pg_ctl").string(), "stop", "-D", layout_.data_dir.string(),
                    "-m", "fast", "-w", "-t", kPgCtlWaitSeconds, "-s"},
                   AsServerUser(kPgCtlTimeout));
  if (!result.Succeeded() && RunningPostmaster(layout_.data_dir)) {
    throw ClusterError("could not stop PostgreSQL (" + Describe(result, "pg_ctl stop") +
                       "): " + OneLine(result.output) + "; see " + layout_.server_log.string());
  }
  return true;
}

ClusterStatus ManagedCluster::Status() const {
  ClusterStatus status;
  status.home = layout_.home;
  status.data_dir = layout_.data_dir;
  status.socket_dir = layout_.socket_dir;
  status.server_log = layout_.server_log;
  status.port = options_.port;
  std::error_code error;
  // Another user's data directory: we cannot look inside, but it is there.
  status.initialized =
      fs::exists(layout_.data_dir / "PG_VERSION", error) || IsUnreadable(layout_.data_dir);

  if (const auto running = RunningPostmaster(layout_.data_dir)) {
    status.running = true;
    status.pid = running->pid;
    status.port = running->port;
    if (!running->socket_dir.empty()) {
      status.socket_dir = running->socket_dir;
    }
  }
  // Without access to the data directory (a cluster root started), asking the server is the
  // only way to know.
  if (status.running || IsUnreadable(layout_.data_dir)) {
    const ConnectionPtr connection = Connect(Url("postgres"), "3");
    status.accepting = PQstatus(connection.get()) == CONNECTION_OK;
    if (status.accepting) {
      status.running = status.initialized = true;
      const char* version = PQparameterStatus(connection.get(), "server_version");
      status.version = version != nullptr ? version : "";
      status.version = status.version.substr(0, status.version.find(' '));
    }
  }
  if (status.version.empty()) {
    if (auto major = DataMajorVersion()) {
      status.version = std::to_string(*major);
    }
  }
  return status;
}

std::string ManagedCluster::Url(std::string_view dbname) const {
  const Endpoint endpoint = CurrentEndpoint();
  return SocketUrl(kSuperuser, dbname, endpoint.socket_dir, endpoint.port);
}

std::string ManagedCluster::TcpUrl(std::string_view dbname) const {
  return LoopbackUrl(kSuperuser, dbname, CurrentEndpoint().port);
}

// While it runs, the server's own record beats our options (it may have been started with
// another port).
ManagedCluster::Endpoint ManagedCluster::CurrentEndpoint() const {
  if (const auto running = RunningPostmaster(layout_.data_dir)) {
    return {running->port,
            running->socket_dir.empty() ? layout_.socket_dir : fs::path(running->socket_dir)};
  }
  return {options_.port, layout_.socket_dir};
}

std::optional<std::string> ManagedCluster::FenceReason() const {
  std::ifstream in(layout_.fence_file);
  std::string reason;
  if (!in || !std::getline(in, reason)) {
    return std::nullopt;
  }
  return reason;
}

void ManagedCluster::Fence(const std::string& reason) const {
  std::ofstream out(layout_.fence_file, std::ios::trunc);
  out << reason << "\n";
  if (!out.flush()) {
    throw ClusterError("cannot write " + layout_.fence_file.string() + ": " + std::strerror(errno));
  }
}

void ManagedCluster::LiftFence() const {
  std::error_code ignored;
  fs::remove(layout_.fence_file, ignored);
}

bool ManagedCluster::IsStandby() const {
  std::error_code ignored;
  return fs::exists(layout_.data_dir / "standby.signal", ignored);
}

std::optional<int> ManagedCluster::DataMajorVersion() const {
  std::ifstream in(layout_.data_dir / "PG_VERSION");
  std::string text;
  int major = 0;
  if (!std::getline(in, text)) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), major);
  if (ec != std::errc()) {
    return std::nullopt;
  }
  return major;
}

void ManagedCluster::CheckDataDirectory() const {
  const fs::path& data = layout_.data_dir;
  struct stat info {};
  if (::lstat(data.c_str(), &info) != 0) {
    return;
  }
  const std::string what_to_do = "; move it away or set NEDLIA_PG_DIR to another directory";
  if (!S_ISDIR(info.st_mode)) {
    throw ClusterError(data.string() + " is not a directory" + what_to_do);
  }
  std::error_code error;
  if (!IsUnreadable(data) && !fs::exists(data / "PG_VERSION", error) &&
      !fs::is_empty(data, error)) {
    throw ClusterError(data.string() + " is not a PostgreSQL data directory (no PG_VERSION)" +
                       what_to_do);
  }
  const uid_t server_uid = layout_.ServerUid();
  if (info.st_uid == server_uid) {
    return;
  }
  const std::string owner = process::UserName(info.st_uid);
  // A cluster root made runs as postgres: root (or postgres) can manage it.
  const std::string who = owner == "postgres" ? "root or as 'postgres'" : "'" + owner + "'";
  throw ClusterError("data directory " + data.string() + " belongs to OS user '" + owner +
                     "', not to '" + process::UserName(server_uid) +
                     "' who would run PostgreSQL; run " + "nedlia as " + who +
                     ", or set NEDLIA_PG_DIR to another directory");
}

void ManagedCluster::PrepareHome() const {
  const bool existed = fs::exists(layout_.home);
  CreateDirectories(layout_.home);
  if (existed && !layout_.HomeIsOursOrEmpty()) {
    throw ClusterError(layout_.home.string() +
                       " is neither empty nor a nedlia PostgreSQL directory; set NEDLIA_PG_DIR "
                       "(or --dir) to a new or empty directory");
  }
  GiveTo(layout_.home, layout_.server_user);
}

void ManagedCluster::CheckPortIsFree() const {
  if (!IsLoopbackPortFree(options_.port)) {
    throw PortInUse(options_.port);
  }
}

bool ManagedCluster::HasUsableCluster(const PostgresBinaries& binaries) const {
  CheckDataDirectory();  // again: another process may have changed it before we got the lock
  const fs::path& data = layout_.data_dir;
  std::error_code error;
  if (!fs::exists(data / "PG_VERSION", error)) {
    fs::remove(data, error);  // absent, or empty (CheckDataDirectory refuses anything else)
    return false;
  }
  const auto major = DataMajorVersion();
  if (major == binaries.major_version) {
    return true;
  }
  throw ClusterError(data.string() + " was made by PostgreSQL " +
                     (major ? std::to_string(*major) : "?") + ", but the binaries in " +
                     binaries.bin_dir.string() + " are PostgreSQL " + binaries.version +
                     "; install that version or set NEDLIA_PG_BIN to its bin directory");
}

void ManagedCluster::InitDb(const PostgresBinaries& binaries) const {
  // initdb works in a staging directory renamed into place only on success, so an interrupted
  // or failed initdb never leaves a half-made data directory where Start would trust it.
  const fs::path& staging = layout_.staging_dir;
  std::error_code ignored;
  fs::remove_all(staging, ignored);
  spdlog::info("creating a PostgreSQL {} cluster in {}", binaries.version,
               layout_.data_dir.string());
  process::RunResult result;
  try {
    fs::create_directory(staging);
    fs::permissions(staging, fs::perms::owner_all);
    GiveTo(staging, layout_.server_user);
    result = process::Run(
        {binaries.Program("initdb").string(), "-D", staging.string(), "-E", "UTF8",
         "--locale=C.UTF-8", "--data-checksums", "-U", std::string(kSuperuser), "-A", "trust"},
        AsServerUser(kInitDbTimeout));
    std::ofstream(layout_.initdb_log, std::ios::trunc) << result.output;
    if (result.Succeeded()) {
      fs::rename(staging, layout_.data_dir);
    }
  } catch (const std::exception& error) {
    fs::remove_all(staging, ignored);
    throw ClusterError("cannot create the data directory " + layout_.data_dir.string() + ": " +
                       OneLine(error.what()));
  }
  if (!result.Succeeded()) {
    fs::remove_all(staging, ignored);
    throw ClusterError("initdb failed (" + Describe(result, "initdb") + "); last lines of " +
                       layout_.initdb_log.string() + ": " +
                       LastLines(layout_.initdb_log, kLogLinesShown));
  }
}

void ManagedCluster::PrepareSocketDirectory() const {
  const fs::path& dir = layout_.socket_dir;
  CreateDirectories(dir);
  struct stat info {};
  // Outside our home (the /tmp fallback) someone else may have made it first.
  if (::lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
      (info.st_uid != layout_.ServerUid() && info.st_uid != ::geteuid())) {
    throw ClusterError("socket directory " + dir.string() +
                       " is not a directory of ours; remove it, or set NEDLIA_PG_DIR to a "
                       "shorter path");
  }
  GiveTo(dir, layout_.server_user);
}

void ManagedCluster::StartServer(const PostgresBinaries& binaries) const {
  if (layout_.IsFallbackHome()) {
    spdlog::info("the postgres OS user cannot reach {}, so the cluster lives in {}",
                 layout_.requested_dir.string(), layout_.home.string());
  }
  if (layout_.socket_dir.parent_path() != layout_.home) {
    spdlog::info("{}/sock is too long for a Unix socket; using {}", layout_.home.string(),
                 layout_.socket_dir.string());
  }
  if (layout_.server_user) {  // pg_ctl appends to it as the server user
    const int fd =
        ::open(layout_.server_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd >= 0) {
      ::close(fd);
    }
    GiveTo(layout_.server_log, layout_.server_user);
  }
  const std::uintmax_t log_offset = FileSize(layout_.server_log);
  const auto result =
      process::Run({binaries.Program("pg_ctl").string(), "start", "-D", layout_.data_dir.string(),
                    "-l", layout_.server_log.string(), "-w", "-t", kPgCtlWaitSeconds, "-s"},
                   AsServerUser(kPgCtlTimeout));
  if (result.Succeeded()) {
    return;
  }
  // pg_ctl gives up waiting, not the server: never leave one half-started behind.
  if (RunningPostmaster(layout_.data_dir)) {
    process::Run({binaries.Program("pg_ctl").string(), "stop", "-D", layout_.data_dir.string(),
                  "-m", "immediate", "-w", "-s"},
                 AsServerUser(kPgCtlTimeout));
  }
  const std::string log = LastLines(layout_.server_log, kLogLinesShown, log_offset);
  if (log.find("Address already in use") != std::string::npos) {
    throw PortInUse(options_.port);
  }
  throw ClusterError("PostgreSQL did not start (" + Describe(result, "pg_ctl start") +
                     "); last lines of " + layout_.server_log.string() + ": " +
                     (log.empty() ? OneLine(result.output) : log));
}

bool ManagedCluster::AcceptsConnections() const {
  return PQstatus(Connect(Url("postgres"), "3").get()) == CONNECTION_OK;
}

void ManagedCluster::EnsureDatabase() const {
  const std::string name(kDatabase);
  try {
    Connection connection = Connection::Open(Url("postgres"), std::chrono::seconds(10));
    if (!connection.Execute("SELECT 1 FROM pg_database WHERE datname = $1", Params(name)).Empty())
      return;
    try {
      connection.Execute("CREATE DATABASE " + name);  // a plain identifier: nothing to quote
    } catch (const DuplicateObject&) {
      // Another process created it meanwhile.
    }
  } catch (const ConnectionLost& error) {
    throw ClusterError("the managed PostgreSQL does not accept connections (" +
                       OneLine(error.what()) + "); see " + layout_.server_log.string());
  } catch (const Error& error) {
    throw ClusterError("cannot create database " + name + ": " + OneLine(error.what()));
  }
}

process::RunOptions ManagedCluster::AsServerUser(std::chrono::seconds timeout) const {
  process::RunOptions options;
  if (layout_.server_user) {
    options.user = layout_.server_user->name;
  }
  options.timeout = timeout;
  return options;
}

}  // namespace nedlia::pg
