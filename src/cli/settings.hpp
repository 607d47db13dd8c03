#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "archive/retention_policy.hpp"
#include "backup/backup_window.hpp"
#include "domain/egress_policy.hpp"
#include "retention/purges.hpp"

namespace nedlia::cli {

/// Everything configurable, read from the environment; flags override single fields.
/// Each field names the environment variable that sets it.
struct Settings {
  std::optional<std::string> database_url;  ///< NEDLIA_DATABASE_URL: an external PostgreSQL 15+
  std::filesystem::path pg_dir = "var/pg";  ///< NEDLIA_PG_DIR: the managed cluster's home
  int pg_port = 55432;                      ///< NEDLIA_PG_PORT: the managed cluster's TCP port
  /// NEDLIA_PG_MAX_SLOT_WAL_KEEP_SIZE: the most WAL the managed cluster keeps for one
  /// replication slot (a size in MB, GB or TB, or -1: no limit).
  std::string pg_max_slot_wal_keep_size = "8GB";
  std::string http_host = "127.0.0.1";  ///< NEDLIA_HTTP_HOST
  int http_port = 8080;                 ///< NEDLIA_HTTP_PORT
  /// NEDLIA_PUBLIC_URL: where clients reach this API (behind a proxy or a CDN, its address),
  /// without a trailing slash; events' dataschema points under it. Unset: this server's own
  /// address, http://NEDLIA_HTTP_HOST:NEDLIA_HTTP_PORT (see PublicUrl).
  std::optional<std::string> public_url;
  /// The HTTP edge's bounds (see http::ServerOptions for what each means).
  int http_max_connections = 10000;                ///< NEDLIA_HTTP_MAX_CONNECTIONS
  int http_max_connections_per_address = 0;        ///< NEDLIA_HTTP_MAX_CONNECTIONS_PER_ADDRESS
  int http_io_threads = 1;                         ///< NEDLIA_HTTP_IO_THREADS
  std::optional<int> http_workers;                 ///< NEDLIA_HTTP_WORKERS (unset: the pool size)
  int http_queue_limit = 128;                      ///< NEDLIA_HTTP_QUEUE_LIMIT
  int http_max_on_loop = 1024;                     ///< NEDLIA_HTTP_MAX_ON_LOOP (0: none)
  int http_max_header_bytes = 16 * 1024;           ///< NEDLIA_HTTP_MAX_HEADER_BYTES
  int http_max_body_bytes = 1024 * 1024;           ///< NEDLIA_HTTP_MAX_BODY_BYTES
  long http_max_buffered_body_bytes = 256L << 20;  ///< NEDLIA_HTTP_MAX_BUFFERED_BODY_BYTES
  int http_header_timeout_ms = 10000;              ///< NEDLIA_HTTP_HEADER_TIMEOUT_MS
  int http_body_timeout_ms = 10000;                ///< NEDLIA_HTTP_BODY_TIMEOUT_MS
  int http_body_min_rate = 1024;                   ///< NEDLIA_HTTP_BODY_MIN_RATE, bytes per second
  int http_idle_timeout_ms = 75000;                ///< NEDLIA_HTTP_IDLE_TIMEOUT_MS
  int http_write_timeout_ms = 30000;               ///< NEDLIA_HTTP_WRITE_TIMEOUT_MS
  int http_linger_ms = 5000;                       ///< NEDLIA_HTTP_LINGER_MS
  int http_linger_bytes = 64 << 20;                ///< NEDLIA_HTTP_LINGER_BYTES
  int http_shutdown_grace_ms = 10000;              ///< NEDLIA_HTTP_SHUTDOWN_GRACE_MS
  int db_pool_size = 8;                            ///< NEDLIA_DB_POOL_SIZE: connections per process
  /// NEDLIA_DB_KEY_READ_CONNECTIONS: connections `serve` shares between reads by key (0: they
  /// use the pool)
  int db_key_read_connections = 1;
  /// NEDLIA_READ_DATABASE_URL: a streaming read replica of the database that `serve` sends
  /// read-only queries to while it is fresh enough (unset: every query on the primary).
  std::optional<std::string> read_database_url;
  /// NEDLIA_REPLICA_MAX_LAG_MS: the staleness bound; a replica further behind is not read.
  int replica_max_lag_ms = 1000;
  int request_timeout_ms = 15000;        ///< NEDLIA_REQUEST_TIMEOUT_MS: database time per request
  std::filesystem::path migrations_dir;  ///< NEDLIA_MIGRATIONS_DIR (default: ./migrations)
  std::filesystem::path schema_dir;      ///< NEDLIA_SCHEMA_DIR (default: ./schema)
  std::string log_level = "info";   ///< NEDLIA_LOG_LEVEL: trace|debug|info|warn|error|critical|off
  std::string log_format = "text";  ///< NEDLIA_LOG_FORMAT: text|json (one object per line)
  /// NEDLIA_METRICS_HOST/PORT: where `nedlia worker` serves /metrics, /healthz and /readyz
  /// (port 0: any free one, printed at start). `serve` has them on its API port.
  std::string metrics_host = "127.0.0.1";
  int metrics_port = 9464;
  std::string environment = "development";  ///< NEDLIA_ENVIRONMENT: stamped on every event
  /// NEDLIA_NATS_URL: NATS with JetStream, the external event bus (unset: no relay).
  std::optional<std::string> nats_url;
  int nats_stream_replicas = 1;
  /// NEDLIA_SERVE_WORKERS: the workers `nedlia serve` runs beside the API, comma-separated, or
  /// "none" (unset: every available one). Others run in `nedlia worker` processes.
  std::optional<std::vector<std::string>> serve_workers;
  /// NEDLIA_EVENT_POLL_MS: how long an idle consumer waits for a notification before it looks
  /// at the log anyway.
  int event_poll_ms = 1000;
  /// NEDLIA_STREAM_MAX_PER_KEY: Server-Sent Events streams one API key may hold open in one
  /// process (429 past it). A client needs one per process that listens, plus one while it
  /// reconnects; 20 leaves room for that while a leaked key holds at most 20 of the process's.
  int stream_max_per_key = 20;
  /// NEDLIA_STREAM_MAX_OPEN: streams one process holds open in all (503 past it).
  int stream_max_open = 10000;
  /// NEDLIA_STREAM_QUEUE_BYTES: events waiting for one stream's client; a live client that
  /// falls this far behind is disconnected (it resumes with Last-Event-ID).
  int stream_queue_bytes = 1 << 20;
  /// NEDLIA_STREAM_LIFETIME_SECONDS: a stream ends after this long (the client reconnects),
  /// so that no connection, key check or proxy state lives forever.
  int stream_lifetime_seconds = 3600;
  int event_log_months_ahead = 3;   ///< NEDLIA_EVENT_LOG_MONTHS_AHEAD: partitions made ahead
  int retention_api_log_days = 30;  ///< NEDLIA_RETENTION_API_LOG_DAYS
  /// NEDLIA_RETENTION_WEBHOOK_DELIVERIES_DAYS: finished webhook deliveries (and deleted
  /// webhooks, once their deliveries have gone) are deleted this long after.
  int retention_webhook_deliveries_days = 30;
  /// NEDLIA_RETENTION_PLACEMENT_FILES_GRACE_HOURS: a superseded placement file is deleted this
  /// long after a newer one replaced it (a reader that got its URL just before can fetch it).
  int retention_placement_files_grace_hours = 24;
  /// NEDLIA_RETENTION_ERASE_DELETED_ADVERTISERS_DAYS: a deleted advertiser's personal data is
  /// erased this long after its deletion.
  int retention_erase_deleted_advertisers_days = 30;
  /// What `archive run` moves to the object store, and when (see archive::RetentionPolicy):
  /// NEDLIA_RETENTION_DELETED_PLACEMENTS_DAYS, NEDLIA_RETENTION_VALIDATION_RUNS_DAYS,
  /// NEDLIA_RETENTION_EVENT_LOG_DAYS.
  archive::RetentionPolicy retention;
  /// NEDLIA_ARCHIVE_STORAGE_CLASS: the S3 storage class of archive parts. Glacier Instant
  /// Retrieval by default: archives are read back before any row is deleted, which the
  /// asynchronous Glacier classes (GLACIER, DEEP_ARCHIVE) cannot do, so they are refused.
  std::string archive_storage_class = "GLACIER_IR";
  /// NEDLIA_VALIDATION_MAX_SIMULTANEOUS: the validator flags more placements than this on
  /// screen at the same instant.
  int validation_max_simultaneous = 3;
  /// NEDLIA_WEBHOOK_SENDERS: webhook deliveries in flight at once (threads of the notifier).
  int webhook_senders = 4;
  /// NEDLIA_WEBHOOK_TIMEOUT_MS: one webhook request, response included.
  int webhook_timeout_ms = 15000;
  /// NEDLIA_WEBHOOK_RETRY_SCHEDULE: waits before each retry of a failed delivery (ms, s, m, h);
  /// after the last one fails, the webhook is disabled. Standard Webhooks' schedule.
  std::string webhook_retry_schedule = "5s,5m,30m,2h,5h,10h,10h";
  /// NEDLIA_WEBHOOK_ALLOWED_NETWORKS: the non-public networks webhooks may connect to, as
  /// comma-separated CIDR blocks, or "none" (unset: see WebhookEgress).
  std::optional<std::vector<domain::IpNetwork>> webhook_allowed_networks;
  /// NEDLIA_WEBHOOK_MAX_PER_ADVERTISER: live webhooks one advertiser may have (409 past it).
  int webhook_max_per_advertiser = 25;
  /// NEDLIA_MAX_DOCUMENT_BYTES: the most a JSON document field (billing_info, assets, a video's
  /// metadata) may take as JSON; 422 at its pointer past it.
  int max_document_bytes = 64 * 1024;
  /// NEDLIA_MAX_EVENT_BYTES: the most an event's data may take as JSON; a change that would
  /// publish a larger one is refused whole (413). Below NATS's max_payload (1 MiB by default).
  int max_event_bytes = 256 * 1024;
  /// NEDLIA_WEBHOOK_SENDERS_PER_ADVERTISER: one advertiser's deliveries in flight at once, in
  /// all processes together; below NEDLIA_WEBHOOK_SENDERS, so that one tenant's slow receivers
  /// never hold every sender.
  int webhook_senders_per_advertiser = 2;
  /// NEDLIA_WEBHOOK_IN_FLIGHT_PER_WEBHOOK: one webhook's deliveries in flight at once, in all
  /// processes together (within the advertiser's share).
  int webhook_in_flight_per_webhook = 1;

  /// Plain http webhook URLs to loopback hosts are accepted only in development.
  bool IsDevelopment() const { return environment == "development"; }
  /// Where webhooks may connect: public addresses, plus NEDLIA_WEBHOOK_ALLOWED_NETWORKS; unset,
  /// loopback in development (a receiver on the developer's machine) and nothing elsewhere.
  domain::EgressPolicy WebhookEgress() const;
  /// NEDLIA_OBJECTS_DIR: the filesystem object store's root (used unless S3 is configured).
  std::filesystem::path objects_dir = "var/objects";
  /// S3-compatible object store; all of endpoint, bucket and both keys, or none.
  std::optional<std::string> s3_endpoint;       ///< NEDLIA_S3_ENDPOINT, e.g. http://127.0.0.1:9000
  std::optional<std::string> s3_bucket;         ///< NEDLIA_S3_BUCKET
  std::string s3_region = "us-east-1";          ///< NEDLIA_S3_REGION
  std::optional<std::string> s3_access_key_id;  ///< NEDLIA_S3_ACCESS_KEY_ID
  std::optional<std::string> s3_secret_access_key;  ///< NEDLIA_S3_SECRET_ACCESS_KEY
  /// NEDLIA_S3_PUBLIC_URL: where clients download objects (a CDN); default endpoint/bucket/.
  std::optional<std::string> s3_public_url;

  /// NEDLIA_BACKUP_RETENTION_DAYS: base and logical backups (and the WAL they need) are kept
  /// this long; the newest of each kind always stays.
  int backup_retention_days = 35;
  /// NEDLIA_BACKUP_ARCHIVE_WAL (on|off): the managed cluster archives its WAL into the object
  /// store (wal/), which base backups and point-in-time restore need. Takes effect at start.
  bool backup_archive_wal = true;
  /// NEDLIA_BACKUP_SCHEDULE_HOURS: `nedlia serve` on the managed cluster takes a base backup
  /// when the newest is this old, then prunes; 0: no schedule.
  int backup_schedule_hours = 24;
  /// NEDLIA_BACKUP_WINDOW: when (UTC) a scheduled base backup may start, "HH:MM-HH:MM" or "any".
  backup::BackupWindow backup_window = backup::BackupWindow::Parse("03:00-04:00");

  /// Reads the environment; throws std::invalid_argument naming a malformed variable.
  static Settings FromEnvironment();
  /// What retention deletes rather than archives, and when (the NEDLIA_RETENTION_* above).
  retention::PurgePolicy Purges() const;
  /// What every event this process writes carries (environment, version) and may weigh.
  events::EnvelopeSettings Envelope() const;
  /// NEDLIA_PUBLIC_URL, or http://host:port of the HTTP listener (a wildcard host, 0.0.0.0 or
  /// ::, as the loopback address that reaches it from this machine).
  std::string PublicUrl() const;
};

}  // namespace nedlia::cli
