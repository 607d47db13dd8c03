// `nedlia worker NAME...`: event consumers only, without the HTTP API (to scale them out: any
// number of processes may run the same worker; they share its partitions).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <thread>
#include <utility>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "cli/platform_metrics.hpp"
#include "cli/workers.hpp"
#include "http/health.hpp"
#include "http/server.hpp"
#include "metrics/registry.hpp"
#include "pg/pool.hpp"
#include "pg/pool_metrics.hpp"
#include "sequencing/sequencer.hpp"

namespace nedlia::cli {
namespace {

/// `all`: every worker this configuration can run; otherwise the names as given.
std::vector<std::string> Expand(const Settings& settings, const std::vector<std::string>& names) {
  if (names.size() == 1 && names.front() == "all")
    return Workers::Available(settings);
  for (const std::string& name : names) {
    if (name == "all")
      throw UserError("worker: `all` stands alone (it already names every worker)");
  }
  return names;
}

/// A server that runs on a thread of its own until destroyed.
class BackgroundServer {
 public:
  explicit BackgroundServer(std::unique_ptr<http::Server> server)
      : server_(std::move(server)), thread_([this] { server_->Run(); }) {}
  BackgroundServer(const BackgroundServer&) = delete;
  BackgroundServer& operator=(const BackgroundServer&) = delete;
  ~BackgroundServer() {
    server_->Stop();
    thread_.join();
  }

 private:
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

/// GET /metrics, /healthz and /readyz on NEDLIA_METRICS_HOST:NEDLIA_METRICS_PORT. A port in
/// use stops the start, in one line.
std::unique_ptr<BackgroundServer> ServeMetrics(const Settings& settings, http::Router& router,
                                               pg::Pool& pool) {
  router.Add(http::Method::kGet, "/metrics", [](http::Request&) {
    http::Response response = http::Response::Text(200, metrics::Registry::Process().Render());
    response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return response;
  });
  http::AddHealthRoutes(router, [&pool] { return ProbeDatabase(pool); });
  auto server = std::make_unique<http::Server>(
      http::ServerOptions{.host = settings.metrics_host,
                          .port = static_cast<std::uint16_t>(settings.metrics_port),
                          .workers = 2,
                          .queue_limit = 8,
                          .max_connections = 64},
      [&router](http::Request& request) { return router.Handle(request); });
  try {
    server->Start();
  } catch (const http::ServerError& error) {
    throw UserError(std::string(error.what()) +
                    " (set NEDLIA_METRICS_PORT to a free port for this worker's metrics, or 0 for "
                    "any)");
  }
  std::cout << "metrics on http://" << settings.metrics_host << ":" << server->Port() << "/metrics"
            << std::endl;
  return std::make_unique<BackgroundServer>(std::move(server));
}

void RunWorkers(const Settings& settings, const std::vector<std::string>& requested) {
  const std::vector<std::string> names = Expand(settings, requested);
  const std::string url = ResolveDatabaseUrl(settings);
  {
    pg::Connection connection = ConnectOrExplain(url);
    CheckSchemaFitsRelease(settings, connection);
  }
  // Block the stop signals before any thread starts, so that only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  pg::Pool pool({.url = url, .max_size = names.size() + 1});
  {
    // First: a port in use stops the start before any worker runs.
    http::Router router;
    const std::unique_ptr<BackgroundServer> metrics_server = ServeMetrics(settings, router, pool);
    // Every reader walks the log in commit order; one process at a time numbers it.
    const sequencing::Sequencer sequencer({.database_url = url});
    Workers workers(settings, pool);
    workers.Start(names);
    const PlatformMetrics platform(url, workers.Reads());
    const metrics::Registry::Collector pool_metrics = metrics::Registry::Process().AddCollector(
        [&pool] { return pg::PoolMetricsText(pool, "workers"); });
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
  worker
      ->add_option(
          "names", *names,
          "the workers to run: " + Workers::KnownList() + ", or all (every one configured)")
      ->required();
  worker->callback([&context, names] { RunWorkers(context.settings, *names); });
}

}  // namespace nedlia::cli
