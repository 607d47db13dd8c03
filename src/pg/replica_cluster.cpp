#include "pg/replica_cluster.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <thread>
#include <utility>

#include "pg/cluster_files.hpp"
#include "pg/connection.hpp"
#include "pg/errors.hpp"

namespace nedlia::pg {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::size_t kMaxName = 40;
constexpr auto kBaseBackupTimeout = std::chrono::hours(6);  // a large database takes long
constexpr auto kQueryConnectTimeout = 3s;
// Beside data/ in the replica's home: the port it was created with, so that start, stop and
// status need no flags.
constexpr const char* kPortFile = "replica.port";

void CheckName(const std::string& name) {
  const bool valid =
      !name.empty() && name.size() <= kMaxName && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
  if (!valid) {
    throw ClusterError("replica name '" + name + "' must be 1 to " + std::to_string(kMaxName) +
                       " of a-z, 0-9 and _ (it names the replication slot)");
  }
}

std::optional<int> RecordedPort(const fs::path& home) {
  std::ifstream in(home / kPortFile);
  std::string text;
  int port = 0;
  if (!std::getline(in, text)) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() ? std::optional(port) : std::nullopt;
}

ClusterOptions ReplicaClusterOptions(const ClusterOptions& primary, const ReplicaOptions& replica) {
  CheckName(replica.name);
  std::optional<int> port = replica.port;
  if (!port) {
    port = RecordedPort(ResolveClusterLayout(replica.dir, primary.port).home);
  }
  return {.dir = replica.dir, .port = port.value_or(primary.port + 1), .bin_dir = primary.bin_dir};
}

// The end of a program's output on one line: where its error is.
std::string Tail(std::string text) {
  constexpr std::size_t kShown = 400;
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text.size() > kShown ? "..." + text.substr(text.size() - kShown) : text;
}

}  // namespace

ReplicaCluster::ReplicaCluster(const ClusterOptions& primary, ReplicaOptions replica)
    : primary_options_(primary),
      primary_(primary),
      options_(std::move(replica)),
      slot_("nedlia_" + options_.name),
      replica_(ReplicaClusterOptions(primary, options_)) {}

bool ReplicaCluster::Exists() const {
  std::error_code error;
  return fs::exists(replica_.Layout().data_dir / "PG_VERSION", error);
}

void ReplicaCluster::Create() {
  CheckCanCreate();
  const ClusterLayout& layout = replica_.Layout();
  const bool home_made = !fs::exists(layout.home);
  bool slot_made = false;
  try {
    CreateDirectories(layout.home);
    GiveTo(layout.home, layout.server_user);
    slot_made = BaseBackup();
    fs::rename(layout.staging_dir, layout.data_dir);
    std::ofstream(layout.home / kPortFile, std::ios::trunc) << replica_.Status().port << "\n";
  } catch (...) {
    Forget(slot_made, home_made);
    throw;
  }
  replica_.Start();
}

void ReplicaCluster::CheckCanCreate() const {
  const ClusterStatus primary = primary_.Status();
  if (!primary.accepting) {
    throw ClusterError("the managed PostgreSQL in " + primary.home.string() +
                       " is not running; start it first (`nedlia db start`)");
  }
  const ClusterLayout& layout = replica_.Layout();
  if (Exists()) {
    throw ClusterError("replica '" + options_.name + "' already exists in " + layout.home.string() +
                       "; start it with `nedlia db replica start " + options_.name + "`");
  }
  if (fs::exists(layout.home) && !layout.HomeIsOursOrEmpty()) {
    throw ClusterError(layout.home.string() +
                       " is neither empty nor a nedlia PostgreSQL directory; choose another "
                       "--dir");
  }
  const int port = replica_.Status().port;
  if (!IsLoopbackPortFree(port)) {
    throw ClusterError("port " + std::to_string(port) +
                       " on 127.0.0.1 is in use; choose a free one with --port");
  }
}

bool ReplicaCluster::BaseBackup() const {
  const ClusterLayout& layout = replica_.Layout();
  std::error_code ignored;
  fs::remove_all(layout.staging_dir, ignored);
  // A slot left by a replica of the same name that was deleted by hand is reused, not an error.
  const bool make_slot = !SlotExists();
  const PostgresBinaries binaries = FindPostgresBinaries(primary_options_.bin_dir, std::nullopt);
  std::vector<std::string> argv = {binaries.Program("pg_basebackup").string(),
                                   "--pgdata=" + layout.staging_dir.string(),
                                   "--write-recovery-conf",
                                   "--wal-method=stream",
                                   "--checkpoint=fast",
                                   "--slot=" + slot_,
                                   "--no-password",
                                   "--dbname=" + primary_.Url("postgres")};
  if (make_slot) {
    argv.emplace_back("--create-slot");
  }
  process::RunOptions run;
  if (layout.server_user) {
    run.user = layout.server_user->name;
  }
  run.timeout = kBaseBackupTimeout;
  spdlog::info("copying the managed PostgreSQL into {} (pg_basebackup)", layout.data_dir.string());
  const process::RunResult result = process::Run(argv, run);
  if (!result.Succeeded()) {
    const bool slot_now = make_slot && SlotExists();
    fs::remove_all(layout.staging_dir, ignored);
    if (slot_now) {
      DropSlot();
    }
    throw ClusterError("pg_basebackup failed" +
                       std::string(result.timed_out ? " (timed out)" : "") + ": " +
                       Tail(result.output));
  }
  return make_slot;
}

void ReplicaCluster::Forget(bool slot_made, bool home_made) const {
  std::error_code ignored;
  const ClusterLayout& layout = replica_.Layout();
  fs::remove_all(layout.staging_dir, ignored);
  if (home_made) {
    fs::remove_all(layout.home, ignored);
  }
  try {
    if (slot_made) {
      DropSlot();
    }
  } catch (const std::exception& error) {
    spdlog::warn("could not drop replication slot {}: {}", slot_, error.what());
  }
}

bool ReplicaCluster::SlotExists() const {
  Connection connection = Connection::Open(primary_.Url("postgres"), kQueryConnectTimeout);
  return connection
             .Execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1",
                      Params(slot_))
             .Single()[0]
             .As<std::int64_t>() > 0;
}

void ReplicaCluster::DropSlot() const {
  Connection connection = Connection::Open(primary_.Url("postgres"), kQueryConnectTimeout);
  connection.Execute(
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
      "WHERE slot_name = $1 AND NOT active",
      Params(slot_));
}

void ReplicaCluster::Drop() {
  const ClusterLayout& layout = replica_.Layout();
  if (!fs::exists(layout.home)) {
    throw ClusterError("there is no replica '" + options_.name + "' in " + layout.home.string());
  }
  if (Exists() && !replica_.IsStandby()) {
    throw ClusterError("replica '" + options_.name + "' was promoted: it is a primary now, " +
                       "perhaps the one in use; delete " + layout.home.string() +
                       " by hand if it really is no longer wanted");
  }
  if (!primary_.Status().accepting) {
    throw ClusterError("the managed PostgreSQL in " + primary_.Layout().home.string() +
                       " is not running; start it first (`nedlia db start`): the replica's "
                       "slot " +
                       slot_ + " lives there");
  }
  replica_.Stop();
  DropSlotWhenReleased();
  std::error_code error;
  fs::remove_all(layout.home, error);
  if (error) {
    throw ClusterError("cannot delete " + layout.home.string() + ": " + error.message());
  }
}

void ReplicaCluster::DropSlotWhenReleased() const {
  constexpr auto kPatience = 30s;
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  Connection connection = Connection::Open(primary_.Url("postgres"), kQueryConnectTimeout);
  while (true) {
    const Result found = connection.Execute(
        "SELECT active FROM pg_replication_slots WHERE slot_name = $1", Params(slot_));
    if (found.Empty()) {
      return;
    }
    if (!found[0][0].As<bool>()) {
      DropSlot();
      continue;  // dropped, unless a sender took it again meanwhile
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw ClusterError("replication slot " + slot_ + " is still in use after " +
                         std::to_string(kPatience.count()) +
                         " s; is another replica using it? Drop it by hand with SELECT "
                         "pg_drop_replication_slot('" +
                         slot_ + "')");
    }
    std::this_thread::sleep_for(50ms);
  }
}

bool ReplicaCluster::Start() {
  if (!Exists()) {
    throw ClusterError("there is no replica '" + options_.name + "' in " +
                       replica_.Layout().home.string() + "; create it with `nedlia db replica " +
                       "create " + options_.name + "`");
  }
  return replica_.Start();
}

bool ReplicaCluster::Stop() {
  return replica_.Stop();
}

ReplicaStatus ReplicaCluster::Status() const {
  ReplicaStatus status{.cluster = replica_.Status(),
                       .slot = slot_,
                       .promoted = Exists() && !replica_.IsStandby(),
                       .replication = std::nullopt};
  if (status.cluster.accepting) {
    status.replication = Replication();
  }
  return status;
}

std::optional<ReplicationState> ReplicaCluster::Replication() const {
  ReplicationState state;
  std::optional<std::int64_t> replay_lsn;
  try {
    Connection replica = Connection::Open(replica_.Url("postgres"), kQueryConnectTimeout);
    const Row row =
        replica
            .Execute(
                "SELECT pg_is_in_recovery(), coalesce((SELECT status FROM pg_stat_wal_receiver), "
                "''), CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END, "
                "(pg_last_wal_replay_lsn() - '0/0')::bigint")
            .Single();
    std::tie(state.in_recovery, state.receiver, state.replay_paused, replay_lsn) =
        row.As<bool, std::string, bool, std::optional<std::int64_t>>();
  } catch (const Error& error) {
    spdlog::debug("replica status: {}", error.what());
    return std::nullopt;
  }
  try {
    Connection primary = Connection::Open(primary_.Url("postgres"), kQueryConnectTimeout);
    const Row row = primary
                        .Execute(
                            "SELECT (pg_current_wal_lsn() - '0/0')::bigint, "
                            "coalesce((SELECT r.state FROM pg_replication_slots s JOIN "
                            "pg_stat_replication r ON r.pid = s.active_pid WHERE s.slot_name = "
                            "$1), ''), (SELECT extract(epoch FROM r.replay_lag)::float8 FROM "
                            "pg_replication_slots s JOIN pg_stat_replication r ON r.pid = "
                            "s.active_pid WHERE s.slot_name = $1)",
                            Params(slot_))
                        .Single();
    const auto [primary_lsn, sender, lag_seconds] =
        row.As<std::int64_t, std::string, std::optional<double>>();
    state.sender = sender;
    if (replay_lsn) {
      state.lag_bytes = std::max<std::int64_t>(0, primary_lsn - *replay_lsn);
    }
    // replay_lag goes null once the standby has caught up and nothing new comes.
    state.lag_seconds =
        lag_seconds ? lag_seconds : (state.lag_bytes == 0 ? std::optional(0.0) : std::nullopt);
  } catch (const Error& error) {
    spdlog::debug("primary status: {}", error.what());  // the replica's own view still stands
  }
  return state;
}

}  // namespace nedlia::pg
