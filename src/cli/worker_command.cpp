// `nedlia worker NAME...`: event consumers only, without the HTTP API (to scale them out: any
// number of processes may run the same worker; they share its partitions).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "cli/workers.hpp"
#include "pg/pool.hpp"

namespace nedlia::cli {
namespace {

void RunWorkers(const Settings& settings, const std::vector<std::string>& names) {
  const std::string url = ResolveDatabaseUrl(settings);
  ConnectOrExplain(url);
  // Block the stop signals before any thread starts, so that only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  pg::Pool pool({.url = url, .max_size = names.size() + 1});
  {
    Workers workers(settings, pool);
    workers.Start(names);
    std::cout << "running " << names.size() << " worker(s); SIGINT or SIGTERM stops them"
              << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: stopping the workers", received);
  }
  pool.Close();
}

}  // namespace

void AddWorkerCommand(CLI::App& root, CommandContext& context) {
  auto* worker =
      root.add_subcommand("worker", "Run event consumers (no HTTP API) until SIGINT or SIGTERM");
  auto names = std::make_shared<std::vector<std::string>>();
  worker->add_option("names", *names, "the workers to run: " + Workers::KnownList())->required();
  worker->callback([&context, names] { RunWorkers(context.settings, *names); });
}

}  // namespace nedlia::cli
