// `nedlia db ...`: the managed local PostgreSQL cluster (see src/pg/managed_cluster.hpp).
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/wal_archiving.hpp"
#include "pg/managed_cluster.hpp"
#include "process/subprocess.hpp"

namespace nedlia::cli {
namespace {

/// pg_ctl's convention, which scripts already test for.
constexpr int kExitNotRunning = 3;

/// Flags shared by every `db` subcommand; they override the environment.
struct DbFlags {
  std::string dir;
  int port = 0;  ///< 0: not given
  bool tcp = false;
};

Settings Effective(const Settings& settings, const DbFlags& flags) {
  Settings effective = settings;
  if (!flags.dir.empty()) {
    effective.pg_dir = flags.dir;
  }
  if (flags.port != 0) {
    effective.pg_port = flags.port;
  }
  return effective;
}

void RefuseExternal(const Settings& settings) {
  if (!settings.database_url) {
    return;
  }
  throw UserError("NEDLIA_DATABASE_URL is set (" + RedactUrl(*settings.database_url) +
                  "): an external database is configured and the managed cluster is not used; "
                  "unset it to manage the local cluster");
}

void Start(const Settings& settings) {
  RefuseExternal(settings);
  pg::ManagedCluster cluster(ManagedClusterOptions(settings));
  const bool started = StartManagedCluster(settings, cluster);
  std::cout << (started ? "PostgreSQL started: " : "PostgreSQL already running: ") << cluster.Url()
            << "\n";
}

void Stop(const Settings& settings) {
  RefuseExternal(settings);
  pg::ManagedCluster cluster(ManagedClusterOptions(settings));
  std::cout << (cluster.Stop() ? "PostgreSQL stopped\n" : "PostgreSQL was not running\n");
}

void PrintLine(std::string_view label, const std::string& value) {
  std::cout << label << std::string(10 - label.size(), ' ') << value << "\n";
}

int Status(const Settings& settings) {
  if (settings.database_url) {
    std::cout << "external database (NEDLIA_DATABASE_URL): " << RedactUrl(*settings.database_url)
              << "; the managed cluster is not used\n";
    return 0;
  }
  const pg::ManagedCluster cluster(ManagedClusterOptions(settings));
  const pg::ClusterStatus status = cluster.Status();
  const std::string pid = status.pid ? "pid " + std::to_string(*status.pid) + ", " : "";
  if (status.running) {
    PrintLine("status:",
              "running (" + pid +
                  (status.accepting ? "accepting connections)" : "not accepting connections)"));
  } else {
    PrintLine("status:", "stopped");
  }
  if (!status.version.empty()) {
    PrintLine("version:", "PostgreSQL " + status.version);
  }
  PrintLine("port:", "127.0.0.1:" + std::to_string(status.port));
  PrintLine("socket:", status.socket_dir.string());
  PrintLine("data:", status.data_dir.string() + (status.initialized ? "" : " (not created yet)"));
  PrintLine("log:", status.server_log.string());
  if (const auto fence = cluster.FenceReason()) {
    PrintLine("fenced:", *fence + "; it starts only as a standby");
  }
  if (status.running) {
    PrintLine("url:", cluster.Url());
  }
  return status.running ? 0 : kExitNotRunning;
}

void Url(const Settings& settings, bool tcp) {
  if (settings.database_url) {
    std::cout << *settings.database_url << "\n";
    return;
  }
  const pg::ManagedCluster cluster(ManagedClusterOptions(settings));
  std::cout << (tcp ? cluster.TcpUrl() : cluster.Url()) << "\n";
}

// The PATH's psql first (Debian's wrapper picks the newest client), else the server's own.
std::string PsqlProgram() {
  if (auto found = process::FindProgram("psql")) {
    return found->string();
  }
  const auto binaries = pg::FindPostgresBinaries(std::nullopt, std::nullopt);
  if (auto found = process::FindProgram(binaries.Program("psql").string())) {
    return found->string();
  }
  throw UserError("psql not found (looked in PATH and " + binaries.bin_dir.string() +
                  "); run scripts/install-deps");
}

[[noreturn]] void Psql(const Settings& settings, const std::vector<std::string>& args) {
  const std::string url = ResolveDatabaseUrl(settings);
  std::vector<std::string> argv = {PsqlProgram(), "--dbname=" + url};
  argv.insert(argv.end(), args.begin(), args.end());
  process::ExecReplace(argv);
}

// Every subcommand takes the flags itself, so they go after its name like any other option.
CLI::App* AddSubcommand(CLI::App& db, const std::shared_ptr<DbFlags>& flags, const char* name,
                        const char* description) {
  CLI::App* command = db.add_subcommand(name, description);
  command->add_option("--dir", flags->dir, "The cluster's directory (default: NEDLIA_PG_DIR)");
  command->add_option("--port", flags->port, "Its TCP port on 127.0.0.1 (default: NEDLIA_PG_PORT)")
      ->check(CLI::Range(1, 65535));
  return command;
}

}  // namespace

void AddDbCommand(CLI::App& root, CommandContext& context) {
  CLI::App& db = *root.add_subcommand("db", "The managed local PostgreSQL cluster");
  db.require_subcommand(1);
  // Owned by the callbacks, which live as long as the App.
  auto flags = std::make_shared<DbFlags>();
  const auto settings = [&context, flags] { return Effective(context.settings, *flags); };

  AddSubcommand(db, flags, "start", "Create (the first time) and start it; print its URL")
      ->callback([settings] { Start(settings()); });
  AddSubcommand(db, flags, "stop", "Stop it (fast shutdown)")->callback([settings] {
    Stop(settings());
  });
  AddSubcommand(db, flags, "status", "Whether it runs, where; exit status 3 when stopped")
      ->callback([settings, &context] { context.exit_code = Status(settings()); });

  CLI::App* url = AddSubcommand(db, flags, "url", "Print its URL (Unix socket) alone");
  url->add_flag("--tcp", flags->tcp, "The TCP form: postgresql://postgres@127.0.0.1:PORT/nedlia");
  url->callback([settings, flags] { Url(settings(), flags->tcp); });

  CLI::App* psql = AddSubcommand(db, flags, "psql",
                                 "psql on the database (starting it if needed); ARGS: psql's");
  // Unknown options and everything from the first positional on are psql's, in order.
  psql->allow_extras()->prefix_command();
  psql->callback([settings, psql] { Psql(settings(), psql->remaining()); });

  AddDbReplicaCommand(db, context);
}

}  // namespace nedlia::cli
