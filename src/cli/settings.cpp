#include "cli/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <set>
#include <stdexcept>
#include <string>

#include "notifier/notifier_options.hpp"

#ifndef NEDLIA_SOURCE_DIR
#define NEDLIA_SOURCE_DIR "."
#endif

namespace nedlia::cli {
namespace {

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return std::string(value);
}

int EnvInt(const char* name, int fallback, int min, int max) {
  auto text = Env(name);
  if (!text)
    return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw std::invalid_argument(std::string(name) + " must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                                *text + "'");
  }
  return value;
}

// One of `choices`, or `fallback` when unset; anything else is an error naming them.
std::string EnvChoice(const char* name, const std::string& fallback,
                      std::initializer_list<const char*> choices) {
  const auto text = Env(name);
  if (!text)
    return fallback;
  std::string listed;
  for (const char* choice : choices) {
    if (*text == choice)
      return *text;
    listed += (listed.empty() ? "" : ", ") + std::string(choice);
  }
  throw std::invalid_argument(std::string(name) + " must be one of " + listed + ", not '" + *text +
                              "'");
}

// "a,b" -> {a, b}; "none" -> {}. The names are checked where the workers are known.
std::vector<std::string> WorkerList(const std::string& text) {
  if (text == "none")
    return {};
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos)
      end = text.size();
    std::string name = text.substr(start, end - start);
    std::erase(name, ' ');
    if (name.empty()) {
      throw std::invalid_argument(
          "NEDLIA_SERVE_WORKERS must be worker names separated by "
          "commas, or none, not '" +
          text + "'");
    }
    names.push_back(std::move(name));
    start = end + 1;
  }
  return names;
}

// Run from the source tree, migrations/ is right there; installed elsewhere, fall back to the
// tree the binary was built from.
/// `name` in the working directory if there is one, else the source tree's.
std::filesystem::path DefaultSourceDir(const char* name) {
  if (std::filesystem::is_directory(name))
    return name;
  return std::filesystem::path(NEDLIA_SOURCE_DIR) / name;
}

std::string CheckedArchiveStorageClass(const std::string& name) {
  static const std::set<std::string> kReadable = {"STANDARD",   "STANDARD_IA",
                                                  "ONEZONE_IA", "INTELLIGENT_TIERING",
                                                  "GLACIER_IR", "REDUCED_REDUNDANCY"};
  if (kReadable.contains(name))
    return name;
  if (name == "GLACIER" || name == "DEEP_ARCHIVE") {
    throw std::invalid_argument(
        "NEDLIA_ARCHIVE_STORAGE_CLASS=" + name +
        ": archives are read back and checked before rows are deleted, and objects in " + name +
        " cannot be read without a restore request taking hours; use GLACIER_IR (or a bucket "
        "lifecycle rule that moves archives to " +
        name + " later)");
  }
  throw std::invalid_argument("NEDLIA_ARCHIVE_STORAGE_CLASS=" + name +
                              ": not an S3 storage class (GLACIER_IR, STANDARD, STANDARD_IA, "
                              "ONEZONE_IA, INTELLIGENT_TIERING, REDUCED_REDUNDANCY)");
}

long EnvLong(const char* name, long fallback, long min, long max) {
  auto text = Env(name);
  if (!text)
    return fallback;
  long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw std::invalid_argument(std::string(name) + " must be an integer from " +
                                std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                                *text + "'");
  }
  return value;
}

/// "10.0.0.0/8,fd00::/8" -> the networks; "none" -> none.
std::vector<domain::IpNetwork> NetworkList(const std::string& text) {
  std::vector<domain::IpNetwork> networks;
  if (text == "none")
    return networks;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, end - start);
    std::erase(item, ' ');
    const auto network = domain::ParseIpNetwork(item);
    if (!network) {
      throw std::invalid_argument(
          "NEDLIA_WEBHOOK_ALLOWED_NETWORKS must be CIDR blocks separated by commas (10.0.0.0/8, "
          "fd00::/8; the bits past the prefix zero), or none, not '" +
          item + "'");
    }
    networks.push_back(*network);
    start = end + 1;
  }
  return networks;
}

void ReadHttpSettings(Settings& s) {
  constexpr int kHour = 3'600'000;
  s.http_max_connections =
      EnvInt("NEDLIA_HTTP_MAX_CONNECTIONS", s.http_max_connections, 1, 1'000'000);
  s.http_max_connections_per_address = EnvInt("NEDLIA_HTTP_MAX_CONNECTIONS_PER_ADDRESS",
                                              s.http_max_connections_per_address, 0, 1'000'000);
  s.http_io_threads = EnvInt("NEDLIA_HTTP_IO_THREADS", s.http_io_threads, 1, 64);
  if (Env("NEDLIA_HTTP_WORKERS"))
    s.http_workers = EnvInt("NEDLIA_HTTP_WORKERS", 0, 1, 1024);
  s.http_queue_limit = EnvInt("NEDLIA_HTTP_QUEUE_LIMIT", s.http_queue_limit, 0, 100'000);
  s.http_max_on_loop = EnvInt("NEDLIA_HTTP_MAX_ON_LOOP", s.http_max_on_loop, 0, 100'000);
  s.http_max_header_bytes =
      EnvInt("NEDLIA_HTTP_MAX_HEADER_BYTES", s.http_max_header_bytes, 1024, 1 << 20);
  s.http_max_body_bytes =
      EnvInt("NEDLIA_HTTP_MAX_BODY_BYTES", s.http_max_body_bytes, 1024, 1 << 30);
  s.http_max_buffered_body_bytes = EnvLong("NEDLIA_HTTP_MAX_BUFFERED_BODY_BYTES",
                                           s.http_max_buffered_body_bytes, 1L << 20, 1L << 40);
  s.http_header_timeout_ms =
      EnvInt("NEDLIA_HTTP_HEADER_TIMEOUT_MS", s.http_header_timeout_ms, 100, kHour);
  s.http_body_timeout_ms =
      EnvInt("NEDLIA_HTTP_BODY_TIMEOUT_MS", s.http_body_timeout_ms, 100, kHour);
  s.http_body_min_rate = EnvInt("NEDLIA_HTTP_BODY_MIN_RATE", s.http_body_min_rate, 1, 1 << 30);
  s.http_idle_timeout_ms =
      EnvInt("NEDLIA_HTTP_IDLE_TIMEOUT_MS", s.http_idle_timeout_ms, 100, kHour);
  s.http_write_timeout_ms =
      EnvInt("NEDLIA_HTTP_WRITE_TIMEOUT_MS", s.http_write_timeout_ms, 100, kHour);
  s.http_linger_ms = EnvInt("NEDLIA_HTTP_LINGER_MS", s.http_linger_ms, 0, 600'000);
  s.http_linger_bytes = EnvInt("NEDLIA_HTTP_LINGER_BYTES", s.http_linger_bytes, 0, 1 << 30);
  s.http_shutdown_grace_ms =
      EnvInt("NEDLIA_HTTP_SHUTDOWN_GRACE_MS", s.http_shutdown_grace_ms, 0, kHour);
}

/// NEDLIA_PG_MAX_SLOT_WAL_KEEP_SIZE checked: written into postgresql.conf as it is, so only
/// what PostgreSQL reads as a size (or -1) passes.
std::string WalSizeOf(const std::string& size) {
  const std::size_t digits = size.find_first_not_of("0123456789");
  const bool sized =
      digits != 0 && digits != std::string::npos && digits <= 9 &&
      (size.substr(digits) == "MB" || size.substr(digits) == "GB" || size.substr(digits) == "TB");
  if (size != "-1" && !sized) {
    throw std::invalid_argument(
        "NEDLIA_PG_MAX_SLOT_WAL_KEEP_SIZE must be a size in MB, GB or TB (such as 8GB), or -1 "
        "for no limit, not '" +
        size + "'");
  }
  return size;
}

/// NEDLIA_PUBLIC_URL checked and without its trailing slashes: an absolute http(s) URL with a
/// host and no query, fragment or space, since paths are appended to it as they are.
std::string PublicUrlOf(std::string url) {
  while (url.ends_with('/'))
    url.pop_back();
  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  const bool has_host =
      scheme_end != std::string::npos && url.size() > scheme_end + 3 && url[scheme_end + 3] != '/';
  const bool plain = url.find_first_of("?# \t\r\n") == std::string::npos;
  if ((scheme != "http" && scheme != "https") || !has_host || !plain) {
    throw std::invalid_argument(
        "NEDLIA_PUBLIC_URL must be an absolute http or https URL without query or fragment, "
        "such as https://api.example.com, not '" +
        url + "'");
  }
  return url;
}

}  // namespace

domain::EgressPolicy Settings::WebhookEgress() const {
  if (webhook_allowed_networks)
    return {.allowed = *webhook_allowed_networks};
  return IsDevelopment() ? domain::EgressPolicy::Development() : domain::EgressPolicy{};
}

Settings Settings::FromEnvironment() {
  Settings s;
  s.database_url = Env("NEDLIA_DATABASE_URL");
  if (auto dir = Env("NEDLIA_PG_DIR"))
    s.pg_dir = *dir;
  s.pg_port = EnvInt("NEDLIA_PG_PORT", s.pg_port, 1, 65535);
  if (auto size = Env("NEDLIA_PG_MAX_SLOT_WAL_KEEP_SIZE"))
    s.pg_max_slot_wal_keep_size = WalSizeOf(*size);
  if (auto host = Env("NEDLIA_HTTP_HOST"))
    s.http_host = *host;
  s.http_port = EnvInt("NEDLIA_HTTP_PORT", s.http_port, 0, 65535);
  if (auto url = Env("NEDLIA_PUBLIC_URL"))
    s.public_url = PublicUrlOf(*url);
  ReadHttpSettings(s);
  s.db_pool_size = EnvInt("NEDLIA_DB_POOL_SIZE", s.db_pool_size, 1, 256);
  s.db_key_read_connections =
      EnvInt("NEDLIA_DB_KEY_READ_CONNECTIONS", s.db_key_read_connections, 0, 64);
  s.read_database_url = Env("NEDLIA_READ_DATABASE_URL");
  s.replica_max_lag_ms = EnvInt("NEDLIA_REPLICA_MAX_LAG_MS", s.replica_max_lag_ms, 10, 3600000);
  s.request_timeout_ms = EnvInt("NEDLIA_REQUEST_TIMEOUT_MS", s.request_timeout_ms, 100, 600000);
  s.migrations_dir = Env("NEDLIA_MIGRATIONS_DIR").value_or(DefaultSourceDir("migrations").string());
  s.schema_dir = Env("NEDLIA_SCHEMA_DIR").value_or(DefaultSourceDir("schema").string());
  s.log_level = EnvChoice("NEDLIA_LOG_LEVEL", s.log_level,
                          {"trace", "debug", "info", "warn", "error", "critical", "off"});
  s.log_format = EnvChoice("NEDLIA_LOG_FORMAT", s.log_format, {"text", "json"});
  if (auto host = Env("NEDLIA_METRICS_HOST"))
    s.metrics_host = *host;
  s.metrics_port = EnvInt("NEDLIA_METRICS_PORT", s.metrics_port, 0, 65535);
  if (auto environment = Env("NEDLIA_ENVIRONMENT"))
    s.environment = *environment;
  s.nats_url = Env("NEDLIA_NATS_URL");
  s.nats_stream_replicas = EnvInt("NEDLIA_NATS_STREAM_REPLICAS", s.nats_stream_replicas, 1, 5);
  if (auto workers = Env("NEDLIA_SERVE_WORKERS"))
    s.serve_workers = WorkerList(*workers);
  s.event_poll_ms = EnvInt("NEDLIA_EVENT_POLL_MS", s.event_poll_ms, 10, 600000);
  s.stream_max_per_key = EnvInt("NEDLIA_STREAM_MAX_PER_KEY", s.stream_max_per_key, 1, 100000);
  s.stream_max_open = EnvInt("NEDLIA_STREAM_MAX_OPEN", s.stream_max_open, 1, 1000000);
  s.stream_queue_bytes =
      EnvInt("NEDLIA_STREAM_QUEUE_BYTES", s.stream_queue_bytes, 64 * 1024, 256 * 1024 * 1024);
  s.stream_lifetime_seconds =
      EnvInt("NEDLIA_STREAM_LIFETIME_SECONDS", s.stream_lifetime_seconds, 10, 7 * 24 * 3600);
  s.event_log_months_ahead =
      EnvInt("NEDLIA_EVENT_LOG_MONTHS_AHEAD", s.event_log_months_ahead, 3, 120);
  s.retention_api_log_days =
      EnvInt("NEDLIA_RETENTION_API_LOG_DAYS", s.retention_api_log_days, 1, 3650);
  s.retention_webhook_deliveries_days = EnvInt("NEDLIA_RETENTION_WEBHOOK_DELIVERIES_DAYS",
                                               s.retention_webhook_deliveries_days, 1, 3650);
  s.retention_placement_files_grace_hours =
      EnvInt("NEDLIA_RETENTION_PLACEMENT_FILES_GRACE_HOURS",
             s.retention_placement_files_grace_hours, 1, 24 * 365);
  s.retention_erase_deleted_advertisers_days =
      EnvInt("NEDLIA_RETENTION_ERASE_DELETED_ADVERTISERS_DAYS",
             s.retention_erase_deleted_advertisers_days, 1, 3650);
  s.retention.deleted_placements_days = EnvInt("NEDLIA_RETENTION_DELETED_PLACEMENTS_DAYS",
                                               s.retention.deleted_placements_days, 1, 36500);
  s.retention.validation_runs_days =
      EnvInt("NEDLIA_RETENTION_VALIDATION_RUNS_DAYS", s.retention.validation_runs_days, 1, 36500);
  s.retention.event_log_days =
      EnvInt("NEDLIA_RETENTION_EVENT_LOG_DAYS", s.retention.event_log_days, 1, 36500);
  s.retention.Check();
  if (auto storage_class = Env("NEDLIA_ARCHIVE_STORAGE_CLASS"))
    s.archive_storage_class = CheckedArchiveStorageClass(*storage_class);
  s.validation_max_simultaneous =
      EnvInt("NEDLIA_VALIDATION_MAX_SIMULTANEOUS", s.validation_max_simultaneous, 1, 1000);
  s.webhook_senders = EnvInt("NEDLIA_WEBHOOK_SENDERS", s.webhook_senders, 1, 256);
  s.webhook_timeout_ms = EnvInt("NEDLIA_WEBHOOK_TIMEOUT_MS", s.webhook_timeout_ms, 100, 600000);
  if (auto schedule = Env("NEDLIA_WEBHOOK_RETRY_SCHEDULE")) {
    try {
      notifier::ParseRetrySchedule(*schedule);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(std::string("NEDLIA_WEBHOOK_RETRY_SCHEDULE: ") + error.what());
    }
    s.webhook_retry_schedule = *schedule;
  }
  if (auto networks = Env("NEDLIA_WEBHOOK_ALLOWED_NETWORKS"))
    s.webhook_allowed_networks = NetworkList(*networks);
  s.webhook_max_per_advertiser =
      EnvInt("NEDLIA_WEBHOOK_MAX_PER_ADVERTISER", s.webhook_max_per_advertiser, 1, 10000);
  s.max_document_bytes =
      EnvInt("NEDLIA_MAX_DOCUMENT_BYTES", s.max_document_bytes, 1024, 1024 * 1024);
  s.max_event_bytes = EnvInt("NEDLIA_MAX_EVENT_BYTES", s.max_event_bytes, 4096, 1024 * 1024);
  s.webhook_senders_per_advertiser =
      EnvInt("NEDLIA_WEBHOOK_SENDERS_PER_ADVERTISER", s.webhook_senders_per_advertiser, 1, 256);
  s.webhook_in_flight_per_webhook =
      EnvInt("NEDLIA_WEBHOOK_IN_FLIGHT_PER_WEBHOOK", s.webhook_in_flight_per_webhook, 1, 256);
  if (auto dir = Env("NEDLIA_OBJECTS_DIR"))
    s.objects_dir = *dir;
  s.s3_endpoint = Env("NEDLIA_S3_ENDPOINT");
  s.s3_bucket = Env("NEDLIA_S3_BUCKET");
  if (auto region = Env("NEDLIA_S3_REGION"))
    s.s3_region = *region;
  s.s3_access_key_id = Env("NEDLIA_S3_ACCESS_KEY_ID");
  s.s3_secret_access_key = Env("NEDLIA_S3_SECRET_ACCESS_KEY");
  s.s3_public_url = Env("NEDLIA_S3_PUBLIC_URL");
  s.backup_retention_days =
      EnvInt("NEDLIA_BACKUP_RETENTION_DAYS", s.backup_retention_days, 1, 3650);
  if (auto archive = Env("NEDLIA_BACKUP_ARCHIVE_WAL")) {
    if (*archive != "on" && *archive != "off") {
      throw std::invalid_argument("NEDLIA_BACKUP_ARCHIVE_WAL must be on or off, not '" + *archive +
                                  "'");
    }
    s.backup_archive_wal = *archive == "on";
  }
  s.backup_schedule_hours =
      EnvInt("NEDLIA_BACKUP_SCHEDULE_HOURS", s.backup_schedule_hours, 0, 24 * 365);
  if (auto window = Env("NEDLIA_BACKUP_WINDOW"))
    s.backup_window = backup::BackupWindow::Parse(*window);
  return s;
}

retention::PurgePolicy Settings::Purges() const {
  return {.api_log_days = retention_api_log_days,
          .event_log_days = retention.event_log_days,
          .webhook_deliveries_days = retention_webhook_deliveries_days,
          .placement_files_grace_hours = retention_placement_files_grace_hours,
          .erase_deleted_advertisers_days = retention_erase_deleted_advertisers_days,
          .envelope = Envelope()};
}

events::EnvelopeSettings Settings::Envelope() const {
  return {.environment = environment,
          .platform_version = NEDLIA_VERSION,
          .schema_base_url = PublicUrl() + "/v1/schemas/events/",
          .max_data_bytes = static_cast<std::size_t>(max_event_bytes)};
}

std::string Settings::PublicUrl() const {
  if (public_url)
    return *public_url;
  // A wildcard listener is reached on loopback from this machine.
  std::string host = http_host == "0.0.0.0" ? "127.0.0.1" : http_host == "::" ? "::1" : http_host;
  if (host.find(':') != std::string::npos)
    host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(http_port);
}

}  // namespace nedlia::cli
