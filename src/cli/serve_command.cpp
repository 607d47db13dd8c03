// `nedlia serve`: the REST API (src/api on src/http) over a pooled database connection, with the
// database upkeep running alongside.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include <CLI/CLI.hpp>

#include "api/api.hpp"
#include "api/json_document.hpp"
#include "api/sse.hpp"
#include "app/api_key_cache.hpp"
#include "app/api_keys.hpp"
#include "archive/archive_schedule.hpp"
#include "cli/backup_jobs.hpp"
#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "cli/job_records.hpp"
#include "cli/object_store_factory.hpp"
#include "cli/read_replica.hpp"
#include "cli/workers.hpp"
#include "events/catalog.hpp"
#include "events/commit_signal.hpp"
#include "events/json_schema.hpp"
#include "http/server.hpp"
#include "http/server_metrics.hpp"
#include "metrics/registry.hpp"
#include "migrate/migrator.hpp"
#include "migrate/script_directory.hpp"
#include "notifier/notifier.hpp"
#include "pg/pool.hpp"
#include "pg/pool_metrics.hpp"
#include "pg/shared_reader.hpp"
#include "placement_files/store_visibility.hpp"
#include "process/periodic_thread.hpp"
#include "repositories/job_runs.hpp"
#include "repositories/maintenance.hpp"
#include "repositories/pg_api_log.hpp"
#include "repositories/pg_database.hpp"
#include "retention/purges.hpp"
#include "sequencing/sequencer.hpp"
#include "streams/event_hub.hpp"

namespace nedlia::cli {
namespace {

/// Flags that override the environment; unset means "use the settings".
struct ServeFlags {
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> read_database_url;
  std::optional<std::string> read_replica;  ///< a managed replica's name
  bool no_workers = false;                  ///< the API alone (NEDLIA_SERVE_WORKERS=none)
};

http::ServerOptions ServerOptionsFor(const Settings& settings, const ServeFlags& flags) {
  using std::chrono::milliseconds;
  const auto size = [](auto value) { return static_cast<std::size_t>(value); };
  return {.host = flags.host.value_or(settings.http_host),
          .port = static_cast<std::uint16_t>(flags.port.value_or(settings.http_port)),
          .io_threads = size(settings.http_io_threads),
          .workers = size(settings.http_workers.value_or(settings.db_pool_size)),
          .queue_limit = size(settings.http_queue_limit),
          .max_on_loop = size(settings.http_max_on_loop),
          .max_connections = size(settings.http_max_connections),
          .max_connections_per_address = size(settings.http_max_connections_per_address),
          .max_header_bytes = size(settings.http_max_header_bytes),
          .max_body_bytes = size(settings.http_max_body_bytes),
          .max_buffered_body_bytes = size(settings.http_max_buffered_body_bytes),
          .header_timeout = milliseconds(settings.http_header_timeout_ms),
          .body_timeout = milliseconds(settings.http_body_timeout_ms),
          .body_min_rate = size(settings.http_body_min_rate),
          .idle_timeout = milliseconds(settings.http_idle_timeout_ms),
          .write_timeout = milliseconds(settings.http_write_timeout_ms),
          .linger_time = milliseconds(settings.http_linger_ms),
          .linger_bytes = size(settings.http_linger_bytes),
          .shutdown_grace = milliseconds(settings.http_shutdown_grace_ms)};
}

// Each connection is a file descriptor: take what the hard limit allows, and serve fewer
// connections (saying so) if even that is short.
void FitConnectionsToFileLimit(http::ServerOptions& options) {
  constexpr rlim_t kReserved = 512;  // database connections, log and object files, the listener
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return;
  const rlim_t wanted = static_cast<rlim_t>(options.max_connections) + kReserved;
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur >= wanted)
    return;
  const std::size_t fitting =
      limit.rlim_cur > 2 * kReserved ? limit.rlim_cur - kReserved : limit.rlim_cur / 2;
  spdlog::warn(
      "NEDLIA_HTTP_MAX_CONNECTIONS={} needs {} file descriptors but the limit is {}: serving at "
      "most {} connections (raise it with `ulimit -n` or LimitNOFILE=)",
      options.max_connections, wanted, limit.rlim_cur, fitting);
  options.max_connections = fitting;
}

/// The event streams' limits from the settings (see README "Events").
streams::EventHubOptions StreamOptionsFor(const Settings& settings, const std::string& url) {
  return {.database_url = url,
          .poll = std::chrono::milliseconds(settings.event_poll_ms),
          .statement_timeout = std::chrono::milliseconds(settings.request_timeout_ms),
          .queue_bytes = static_cast<std::size_t>(settings.stream_queue_bytes),
          .max_per_key = settings.stream_max_per_key,
          .max_open = settings.stream_max_open,
          .lifetime = std::chrono::seconds(settings.stream_lifetime_seconds)};
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

/// GET /files/... on a node whose object store is not the one the placement files were written
/// to (a directory store on another machine) would answer 404 for files that exist: such a
/// node answers 503 instead, with a warning now. Null when the store is the right one.
std::unique_ptr<app::ObjectStore> RefuseFilesUnlessVisible(pg::Connection& connection,
                                                           app::ObjectStore& objects) {
  const auto why = placement_files::WhyFilesAreNotVisible(connection, objects);
  if (!why)
    return nullptr;
  spdlog::warn(
      "GET /files/... answers 503 on this node: {}; serve the files from the node that holds "
      "NEDLIA_OBJECTS_DIR (and run the file-generator there), or use S3 (NEDLIA_S3_ENDPOINT)",
      *why);
  return std::make_unique<placement_files::UnreachableObjectStore>(
      "this node cannot serve placement files: " + *why);
}

/// On a database that never had a key, issues the first admin key and prints it, once.
void IssueFirstAdminKey(app::Database& database) {
  const std::optional<app::IssuedKey> issued = database.Write(
      app::CallContext{}, [](app::Transaction& tx) { return app::CreateFirstAdminKey(tx); });
  if (!issued)
    return;
  std::cout << "first admin API key (shown only this once; keep it): " << issued->secret
            << std::endl;
}

/// The read replica's URL: --read-database-url, --read-replica NAME, NEDLIA_READ_DATABASE_URL.
std::optional<std::string> ReadReplicaUrl(const Settings& settings, const ServeFlags& flags) {
  if (flags.read_database_url)
    return flags.read_database_url;
  if (flags.read_replica) {
    const pg::ReplicaCluster replica = ManagedReplica(settings, *flags.read_replica);
    // A name that was never created is a typo; a replica that is merely stopped is not (reads
    // go to the primary until it is back).
    if (!replica.Exists()) {
      throw UserError("there is no managed replica '" + *flags.read_replica +
                      "'; create it with `nedlia db replica create " + *flags.read_replica + "`");
    }
    return replica.Url();
  }
  return settings.read_database_url;
}

/// Reads go to the replica while it is fresh enough (src/repositories/replica_reads.hpp).
std::unique_ptr<ReadReplica> ConnectReadReplica(const Settings& settings,
                                                const std::optional<std::string>& url,
                                                const std::string& primary_url) {
  if (!url)
    return nullptr;
  spdlog::info("read replica: {} (reads within {} ms of the primary)", RedactUrl(*url),
               settings.replica_max_lag_ms);
  return std::make_unique<ReadReplica>(ReadReplica::Options{
      .primary_url = primary_url,
      .replica_url = *url,
      .pool_size = static_cast<std::size_t>(settings.db_pool_size),
      .statement_timeout = std::chrono::milliseconds(settings.request_timeout_ms),
      .max_lag = std::chrono::milliseconds(settings.replica_max_lag_ms)});
}

/// The workers to run beside the API, checked before anything starts.
std::vector<std::string> ServeWorkers(const Settings& settings, const ServeFlags& flags) {
  if (flags.no_workers)
    return {};
  if (!settings.serve_workers)
    return Workers::Available(settings);
  const std::vector<std::string> known = Workers::Known();
  for (const std::string& name : *settings.serve_workers) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw UserError("NEDLIA_SERVE_WORKERS: unknown worker '" + name +
                      "' (known: " + Workers::KnownList() + ", or none)");
    }
  }
  return *settings.serve_workers;
}

/// The settings with --host and --port applied: the events' dataschema points at the address
/// this server listens on unless NEDLIA_PUBLIC_URL says otherwise.
Settings Listening(Settings settings, const ServeFlags& flags) {
  settings.http_host = flags.host.value_or(settings.http_host);
  settings.http_port = flags.port.value_or(settings.http_port);
  return settings;
}

/// Events name their schema's URL, which is this server's only when its port is known.
void WarnIfSchemasCannotBeFound(const Settings& settings) {
  if (settings.http_port == 0 && !settings.public_url) {
    spdlog::warn(
        "the HTTP port is 0 (any free one) and NEDLIA_PUBLIC_URL is unset: events' dataschema "
        "says {}, which is not this server's port; set NEDLIA_PUBLIC_URL",
        settings.Envelope().schema_base_url);
  }
}

void Serve(const Settings& configured, const ServeFlags& flags) {
  const Settings settings = Listening(configured, flags);
  const std::vector<std::string> worker_names = ServeWorkers(settings, flags);
  // Before the primary: a bad replica name must not start (or create) the managed cluster.
  const std::optional<std::string> read_url = ReadReplicaUrl(settings, flags);
  const std::string url = ResolveDatabaseUrl(settings);
  // The placement files the file-generator writes (served at /files/... by the filesystem
  // store), which retention's purges delete once superseded.
  const std::unique_ptr<app::ObjectStore> objects = MakeObjectStore(settings);
  std::unique_ptr<app::ObjectStore> files_refused;
  {
    // Fail now with one clear line, rather than serve a /readyz that never turns ready.
    pg::Connection connection = ConnectOrExplain(url);
    CheckSchemaFitsRelease(settings, connection);
    files_refused = RefuseFilesUnlessVisible(connection, *objects);
  }
  try {
    events::Catalog::Embedded();  // parsed now, so that a bad catalog stops the start
  } catch (const events::CatalogError& error) {
    throw UserError(std::string("the event catalog built into nedlia is invalid: ") + error.what());
  }
  // Requests are bounded in time as well as size: a request's database work (waiting for a
  // connection included) is cancelled after request_timeout_ms. The same statement_timeout on
  // every connection bounds the maintenance loop's statements and backs up the watchdog.
  const std::chrono::milliseconds request_timeout(settings.request_timeout_ms);
  pg::Pool pool(pg::PoolOptions{.url = url,
                                .max_size = static_cast<std::size_t>(settings.db_pool_size),
                                .statement_timeout = request_timeout});
  repositories::PgDatabase database(pool, settings.Envelope(), request_timeout);
  // Reads by key (a GET by id) from every handler thread, pipelined on a few connections.
  std::optional<pg::SharedReader> key_reader;
  if (settings.db_key_read_connections > 0) {
    key_reader.emplace(
        pg::SharedReaderOptions{.url = url,
                                .lanes = static_cast<std::size_t>(settings.db_key_read_connections),
                                .statement_timeout = request_timeout});
    database.ShareKeyReadsThrough(&*key_reader);
  }
  api::SetMaxDocumentBytes(static_cast<std::size_t>(settings.max_document_bytes));
  const std::unique_ptr<ReadReplica> replica = ConnectReadReplica(settings, read_url, url);
  if (replica)
    database.RouteReadsTo(&replica->Reads());
  // Upkeep and the API log work from threads of their own, each on a connection of its own:
  // on the requests' pool (which the workers are sized to) they would take a connection a
  // request is waiting for.
  pg::Pool upkeep_pool({.url = url, .max_size = 1, .statement_timeout = request_timeout});
  repositories::MaintenanceLoop maintenance(
      upkeep_pool, std::chrono::hours(6), settings.event_log_months_ahead,
      [&objects, policy = settings.Purges()](pg::Connection& connection) {
        RecordPurges(connection, retention::RunPurges(connection, *objects, policy));
      });
  pg::Pool api_log_pool({.url = url, .max_size = 1});
  repositories::PgApiLog api_log(api_log_pool);
  // Consumers wake on a NOTIFY after commits that wrote events (or poll).
  events::CommitSignal commit_signal(url);
  database.SignalCommitsTo(&commit_signal);
  // Every reader walks the log in commit order; one process at a time numbers it.
  const sequencing::Sequencer sequencer({.database_url = url});
  // The workers run in this process too (every available one unless NEDLIA_SERVE_WORKERS
  // says which), on connections of their own.
  pg::Pool worker_pool({.url = url, .max_size = worker_names.size() + 1});
  Workers workers(settings, worker_pool);
  workers.Start(worker_names);
  // What the database says of the platform (every process reports it), and the backlog of the
  // consumers running here.
  const PlatformMetrics platform(url, workers.Reads());
  const metrics::Registry::Collector pool_metrics =
      metrics::Registry::Process().AddCollector([&pool, &worker_pool] {
        return pg::PoolMetricsText({{&pool, "api"}, {&worker_pool, "workers"}});
      });
  std::optional<metrics::Registry::Collector> key_read_metrics;
  if (key_reader) {
    key_read_metrics.emplace(metrics::Registry::Process().AddCollector(
        [&key_reader] { return pg::SharedReaderMetricsText(*key_reader); }));
  }
  // The managed cluster's daily base backup and retention, in a thread of their own.
  const auto daily_backups = StartDailyBackups(settings);
  if (BackupsShareTheDatabaseDisk(settings)) {
    spdlog::warn(
        "backups and archived WAL go to NEDLIA_OBJECTS_DIR ({}), on the same disk as the "
        "database ({}): losing that disk loses the database and every backup; set "
        "NEDLIA_S3_ENDPOINT, or NEDLIA_OBJECTS_DIR to another disk",
        settings.objects_dir.string(), settings.pg_dir.string());
  }
  app::WebhookPolicy webhooks{
      .url = {.allow_loopback_http = settings.IsDevelopment(), .egress = settings.WebhookEgress()},
      .subscribable_types = notifier::SubscribableTypes(events::Catalog::Embedded()),
      .max_per_advertiser = settings.webhook_max_per_advertiser};
  // Archival runs daily on a connection of its own: its statements outlast a request's timeout.
  pg::Pool archive_pool({.url = url, .max_size = 1});
  archive::ArchiveSchedule archival(
      archive_pool, *objects, settings.retention, {.storage_class = settings.archive_storage_class},
      {.on_run = [](pg::Connection* connection, std::int64_t rows, const char* error) {
        if (connection == nullptr)
          return;  // the database is away: nothing can be recorded
        try {
          if (error == nullptr) {
            repositories::RecordJobSuccess(*connection, repositories::kArchiveJob, rows);
          } else {
            repositories::RecordJobFailure(*connection, repositories::kArchiveJob, error);
          }
        } catch (const std::exception& failure) {
          spdlog::warn("could not record the archive run in job_runs: {}", failure.what());
        }
      }});
  // API keys are trusted for 5 s: a revoked key stops working (its streams too) within that.
  constexpr std::chrono::seconds kKeyTtl(5);
  app::ApiKeyCache keys(database, {.ttl = kKeyTtl}, metrics::Registry::Process());
  // Every active key is learnt at start and again twice a TTL: a real key is always known, so
  // that a burst of clients after a restart is never mistaken for a flood of made-up keys.
  const process::PeriodicThread key_refresh(std::chrono::milliseconds(0), [&keys, kKeyTtl] {
    try {
      keys.Refresh();
    } catch (const std::exception& error) {
      spdlog::warn("could not refresh the API keys (each is looked up on use meanwhile): {}",
                   OneLine(error.what()));
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(kKeyTtl) / 2;
  });
  // Server-Sent Events: one reader of new events for the whole process, on its own connections.
  auto event_streams = std::make_unique<streams::EventHub>(
      StreamOptionsFor(settings, url), keys, api::SseMessage, metrics::Registry::Process());
  api::Api api(database, [&pool] { return ProbeDatabase(pool); }, keys, *event_streams,
               {.webhooks = std::move(webhooks),
                .placement_files = files_refused ? files_refused.get() : objects.get(),
                .api_log = &api_log,
                .event_schemas = events::PublishedSchemas(events::Catalog::Embedded(),
                                                          settings.Envelope().schema_base_url)});

  http::RequestMetrics request_metrics;
  api.Instrument(request_metrics);
  http::ServerOptions options = ServerOptionsFor(settings, flags);
  options.request_metrics = &request_metrics;
  // GETs by id wait on the loop only for the shared reader: reads sent to the pool or a replica
  // would move every such request to a worker, a fiber for nothing.
  if (key_reader && !replica) {
    options.runs_on_loop = [&api](const http::Request& request) {
      return api.Routes().RunsOnLoop(request);
    };
  }
  FitConnectionsToFileLimit(options);
  http::Server server(options, api.Handler());
  const metrics::Registry::Collector server_metrics =
      metrics::Registry::Process().AddCollector([&server, &request_metrics] {
        return http::ServerMetricsText(server.Stats()) + request_metrics.Render();
      });
  StartOrExplain(server);
  WarnIfSchemasCannotBeFound(settings);
  // After the port is ours: a start that fails must not spend the one-time key.
  IssueFirstAdminKey(database);
  std::cout << "listening on http://" << UrlHost(options.host) << ":" << server.Port() << std::endl;
  server.RunUntilSignalled();
  event_streams
      .reset();     // ends what streams are left and stops its threads, while the pool is open
  api_log.Flush();  // while the pool is open: the last requests' entries
  pool.Close();
  if (replica)
    replica->Close();
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
  auto* read_url = serve->add_option(
      "--read-database-url", flags->read_database_url,
      "A streaming replica for read-only queries (default: NEDLIA_READ_DATABASE_URL)");
  serve
      ->add_option("--read-replica", flags->read_replica,
                   "The managed replica NAME (`nedlia db replica create NAME`) for read-only "
                   "queries")
      ->excludes(read_url);
  serve->add_flag("--no-workers", flags->no_workers,
                  "Serve the API only: run the workers apart (`nedlia worker all`)");
  serve->callback([&context, flags] { Serve(context.settings, *flags); });
}

}  // namespace nedlia::cli
