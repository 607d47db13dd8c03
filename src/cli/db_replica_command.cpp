// `nedlia db replica ...`: streaming read replicas of the managed cluster (see
// src/pg/replica_cluster.hpp).
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"

namespace nedlia::cli {
namespace {

constexpr int kExitNotRunning = 3;  // as `db status`, pg_ctl's convention

/// The replica subcommands' arguments; they override the defaults.
struct ReplicaFlags {
  std::string name = "replica";
  std::string dir;
  int port = 0;  ///< 0: not given
  bool tcp = false;
  int timeout_seconds = 60;  ///< promote's bound
};

pg::ReplicaCluster Replica(const Settings& settings, const ReplicaFlags& flags) {
  return ManagedReplica(settings, flags.name, flags.dir,
                        flags.port != 0 ? std::optional(flags.port) : std::nullopt);
}

void PrintLine(std::string_view label, const std::string& value) {
  std::cout << label << std::string(13 - label.size(), ' ') << value << "\n";
}

std::string Lag(const pg::ReplicationState& state) {
  std::ostringstream text;
  text << (state.lag_bytes ? std::to_string(*state.lag_bytes) + " bytes" : "? bytes") << ", ";
  if (state.lag_seconds) {
    text << std::fixed << std::setprecision(3) << *state.lag_seconds << " s";
  } else {
    text << "? s";
  }
  return text.str();
}

void PrintReplication(const pg::ReplicationState& state) {
  if (!state.in_recovery) {
    PrintLine("replication:", "none (promoted: no longer a standby)");
    return;
  }
  PrintLine("replication:", state.receiver.empty() ? "not receiving" : state.receiver);
  if (state.replay_paused)
    PrintLine("replay:", "paused (pg_wal_replay_resume() resumes it)");
  PrintLine("primary:",
            state.sender.empty() ? "no sender for this replica" : "sender " + state.sender);
  PrintLine("replay lag:", Lag(state));
}

int Status(const pg::ReplicaCluster& replica) {
  const pg::ReplicaStatus status = replica.Status();
  const pg::ClusterStatus& cluster = status.cluster;
  if (!cluster.running) {
    PrintLine("status:", cluster.initialized ? "stopped" : "not created");
  } else {
    PrintLine("status:", std::string("running (pid ") + std::to_string(cluster.pid.value_or(0)) +
                             (cluster.accepting ? ", accepting connections)" : ")"));
  }
  if (status.replication)
    PrintReplication(*status.replication);
  PrintLine("slot:", status.promoted ? "none (promoted; " + status.slot +
                                           " stays on the old primary until it is re-cloned)"
                                     : status.slot);
  PrintLine("port:", "127.0.0.1:" + std::to_string(cluster.port));
  PrintLine("data:", cluster.data_dir.string());
  PrintLine("log:", cluster.server_log.string());
  if (cluster.running)
    PrintLine("url:", replica.Url());
  return cluster.running ? 0 : kExitNotRunning;
}

// One line a failover script can rely on: exit status 0 means a primary taking writes now.
void Promote(const Settings& settings, const ReplicaFlags& flags) {
  // The application's multi-host NEDLIA_DATABASE_URL names this very replica: promoting it is
  // exactly what a failover script run with the application's environment must be able to do.
  Settings managed = settings;
  managed.database_url.reset();
  pg::ReplicaCluster cluster = Replica(managed, flags);
  const pg::Promotion promotion = cluster.Promote(std::chrono::seconds(flags.timeout_seconds));
  std::ostringstream took;
  took << std::fixed << std::setprecision(3)
       << static_cast<double>(promotion.took.count()) / 1000.0;
  if (promotion.already) {
    std::cout << "replica '" << flags.name << "' was promoted already: a primary at "
              << cluster.Url() << "\n";
  } else {
    std::cout << "replica '" << flags.name << "' promoted in " << took.str()
              << " s: a primary taking writes at " << cluster.Url() << "\n";
  }
}

CLI::App* AddSubcommand(CLI::App& parent, const std::shared_ptr<ReplicaFlags>& flags,
                        const char* name, const char* description) {
  CLI::App* command = parent.add_subcommand(name, description);
  command->add_option("name", flags->name, "The replica's name (default: replica)");
  command->add_option("--dir", flags->dir,
                      "Its directory (default: beside the primary's, e.g. var/pg-NAME)");
  command
      ->add_option("--port", flags->port,
                   "Its TCP port on 127.0.0.1 (default: as created, else the primary's + 1)")
      ->check(CLI::Range(1, 65535));
  return command;
}

}  // namespace

void AddDbReplicaCommand(CLI::App& db, CommandContext& context) {
  CLI::App& replica = *db.add_subcommand("replica", "Streaming read replicas of the cluster");
  replica.require_subcommand(1);
  auto flags = std::make_shared<ReplicaFlags>();
  const auto make = [&context, flags] { return Replica(context.settings, *flags); };

  AddSubcommand(replica, flags, "create",
                "Copy the running cluster into a new standby (pg_basebackup, replication slot) "
                "and start it")
      ->callback([make] {
        pg::ReplicaCluster cluster = make();
        cluster.Create();
        std::cout << "replica created and streaming: " << cluster.Url() << "\n";
      });
  AddSubcommand(replica, flags, "start", "Start it; print its URL")->callback([make] {
    pg::ReplicaCluster cluster = make();
    const bool started = cluster.Start();
    std::cout << (started ? "replica started: " : "replica already running: ") << cluster.Url()
              << "\n";
  });
  AddSubcommand(replica, flags, "stop", "Stop it (fast shutdown); the primary keeps its WAL")
      ->callback([make] {
        std::cout << (make().Stop() ? "replica stopped\n" : "replica was not running\n");
      });
  AddSubcommand(replica, flags, "status",
                "Whether it runs and streams, its replay lag; exit status 3 when stopped")
      ->callback([make, &context] { context.exit_code = Status(make()); });
  AddSubcommand(replica, flags, "drop",
                "Stop it, drop its replication slot on the primary and delete its directory")
      ->callback([make] {
        make().Drop();
        std::cout << "replica dropped\n";
      });
  CLI::App* promote =
      AddSubcommand(replica, flags, "promote",
                    "Failover: make it a primary taking writes (the managed primary must be "
                    "down; it is then kept from starting as a primary again)");
  promote
      ->add_option("--timeout", flags->timeout_seconds,
                   "Seconds to wait for it to take writes (default 60)")
      ->check(CLI::Range(1, 3600));
  promote->callback([&context, flags] { Promote(context.settings, *flags); });
  CLI::App* url = AddSubcommand(replica, flags, "url", "Print its URL (Unix socket) alone");
  url->add_flag("--tcp", flags->tcp, "The TCP form: postgresql://postgres@127.0.0.1:PORT/nedlia");
  url->callback([make, flags] {
    const pg::ReplicaCluster cluster = make();
    std::cout << (flags->tcp ? cluster.TcpUrl() : cluster.Url()) << "\n";
  });
}

}  // namespace nedlia::cli
