// `nedlia serve`: the HTTP API (see src/http) over a pooled database connection.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "http/health.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "pg/pool.hpp"

namespace nedlia::cli {
namespace {

/// Flags that override the environment; unset means "use the settings".
struct ServeFlags {
  std::optional<std::string> host;
  std::optional<int> port;
};

// libpq's messages span lines and indent with tabs; a problem detail reads better flat.
std::string OneLine(const std::string& text) {
  std::string line;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\t' || c == '\r' || c == ' ';
    if (!space || (!line.empty() && line.back() != ' ')) {
      line.push_back(space ? ' ' : c);
    }
  }
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return line;
}

// Readiness means "a pooled connection answers a query now": it catches a database that went
// away after start-up as well as an exhausted pool.
std::optional<std::string> ProbeDatabase(pg::Pool& pool) {
  try {
    pg::PooledConnection connection = pool.Acquire();
    connection->Execute("SELECT 1");
    return std::nullopt;
  } catch (const std::exception& error) {
    return "database unavailable: " + OneLine(error.what());
  }
}

http::ServerOptions ServerOptionsFor(const Settings& settings, const ServeFlags& flags) {
  http::ServerOptions options;
  options.host = flags.host.value_or(settings.http_host);
  options.port = static_cast<std::uint16_t>(flags.port.value_or(settings.http_port));
  options.io_threads = settings.http_threads;
  // Handlers block on the database: more workers than connections would only queue on the pool.
  options.worker_threads = settings.db_pool_size;
  return options;
}

void StartOrExplain(http::Server& server) {
  try {
    server.Start();
  } catch (const http::ServerError& error) {
    const bool in_use = error.Code() == std::errc::address_in_use;
    throw UserError(std::string(error.what()) +
                    (in_use ? " (set --port or NEDLIA_HTTP_PORT to a free port)" : ""));
  }
}

std::string UrlHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void Serve(const Settings& settings, const ServeFlags& flags) {
  const std::string url = ResolveDatabaseUrl(settings);
  // Fail now with one clear line, rather than serve a /readyz that never turns ready.
  ConnectOrExplain(url);
  pg::Pool pool(
      pg::PoolOptions{.url = url, .max_size = static_cast<std::size_t>(settings.db_pool_size)});
  http::Router router;
  http::AddHealthRoutes(router, [&pool] { return ProbeDatabase(pool); });

  const http::ServerOptions options = ServerOptionsFor(settings, flags);
  http::Server server(options,
                      [&router](http::Request& request) { return router.Handle(request); });
  StartOrExplain(server);
  std::cout << "listening on http://" << UrlHost(options.host) << ":" << server.Port() << std::endl;
  server.RunUntilSignalled();
  pool.Close();
  spdlog::info("stopped");
}

}  // namespace

void AddServeCommand(CLI::App& root, CommandContext& context) {
  auto* serve = root.add_subcommand("serve", "Serve the HTTP API until SIGINT or SIGTERM");
  auto flags = std::make_shared<ServeFlags>();
  serve->add_option("--host", flags->host, "Address to listen on (default: NEDLIA_HTTP_HOST)");
  serve
      ->add_option("--port", flags->port,
                   "TCP port, 0 for any free one (default: NEDLIA_HTTP_PORT)")
      ->check(CLI::Range(0, 65535));
  serve->callback([&context, flags] { Serve(context.settings, *flags); });
}

}  // namespace nedlia::cli
