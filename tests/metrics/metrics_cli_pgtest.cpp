// The metrics an on-call engineer reads, from the real binaries: `nedlia serve` (API only) and
// `nedlia worker all` on its own port, scraped by a real Prometheus; the JSON log format; and
// the settings that must stop a start in one line.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "process/subprocess.hpp"
#include "support/background_process.hpp"
#include "support/nats_server.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

/// The names of the families a scrape shows (from its TYPE lines).
std::set<std::string> Families(const std::string& text) {
  std::set<std::string> names;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0)
      names.insert(line.substr(7, line.find(' ', 7) - 7));
  }
  return names;
}

bool HasLine(const std::string& text, const std::string& start) {
  return text.find("\n" + start) != std::string::npos;
}

class MetricsCliTest : public ::testing::Test {
 protected:
  process::Environment Common() const {
    return {{"NEDLIA_DATABASE_URL", database_.Url()},
            {"NEDLIA_NATS_URL", nats_.Url()},
            {"NEDLIA_OBJECTS_DIR", objects_.string()},
            {"NEDLIA_LOG_LEVEL", "info"}};
  }

  /// `nedlia serve --no-workers` with the JSON log format; its base URL.
  std::string StartServe() {
    process::Environment environment = Common();
    environment.emplace_back("NEDLIA_HTTP_PORT", "0");
    environment.emplace_back("NEDLIA_LOG_FORMAT", "json");
    serve_.emplace("nedlia-metrics-serve",
                   std::vector<std::string>{NedliaBinary(), "serve", "--no-workers"}, environment);
    return serve_->Await("listening on ");
  }

  /// `nedlia worker all` with its metrics on a free port; the /metrics URL.
  std::string StartWorkers() {
    process::Environment environment = Common();
    environment.emplace_back("NEDLIA_METRICS_PORT", "0");
    workers_.emplace("nedlia-metrics-worker",
                     std::vector<std::string>{NedliaBinary(), "worker", "all"}, environment);
    return workers_->Await("metrics on ");
  }

  /// A backup on record (its age is exported once there is one), then serve and the workers:
  /// serve's base URL and the workers' /metrics URL.
  std::pair<std::string, std::string> StartBothWithABackupOnRecord() {
    database_.Connect().Execute(
        "INSERT INTO job_runs (job, last_success_at, successes) VALUES ('backup', now(), 1)");
    std::string url = StartServe();
    return {std::move(url), StartWorkers()};
  }

  static std::string Scrape(const std::string& url) {
    http::testing::CurlClient client;
    const auto reply = client.Get(url);
    EXPECT_EQ(reply.status, 200) << url;
    return "\n" + reply.body;
  }

  TestDatabase database_{Template::kMigrated};
  NatsServer nats_;
  std::filesystem::path objects_ =
      std::filesystem::temp_directory_path() / ("nedlia-metrics-objects-" + database_.Name());
  std::optional<BackgroundProcess> serve_;
  std::optional<BackgroundProcess> workers_;
};

TEST_F(MetricsCliTest, ServeCountsRequestsByRouteAndReportsPoolsProcessAndPlatform) {
  const std::string url = StartServe();
  ASSERT_FALSE(url.empty()) << serve_->Log();
  http::testing::CurlClient client;
  EXPECT_EQ(client.Get(url + "/healthz").status, 200);
  EXPECT_EQ(client.Get(url + "/v1/nothing/42").status, 404);
  database_.Connect().Execute(
      "INSERT INTO job_runs (job, last_success_at, successes) VALUES ('backup', now(), 1)");
  std::string text;
  ASSERT_TRUE(WaitFor(
      [&] {  // the platform's state is sampled every 10 s
        text = Scrape(url + "/metrics");
        return text.find("nedlia_backup_newest_age_seconds ") != std::string::npos;
      },
      30s))
      << text;
  EXPECT_TRUE(
      HasLine(text, R"(nedlia_http_requests_total{route="/healthz",method="GET",code="2xx"} 1)"))
      << text;
  EXPECT_TRUE(
      HasLine(text, R"(nedlia_http_requests_total{route="unmatched",method="GET",code="4xx"} 1)"))
      << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_http_request_duration_seconds_count{route="/healthz"} 1)"))
      << text;
  EXPECT_EQ(text.find("/v1/nothing/42"), std::string::npos) << "a path became a label";
  EXPECT_TRUE(HasLine(text, R"(nedlia_db_pool_size{pool="api"} )")) << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_db_pool_wait_seconds_count{pool="api"} )")) << text;
  EXPECT_TRUE(HasLine(text, "nedlia_platform_state_up 1")) << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_last_success_timestamp_seconds{task="archive"} 0)")) << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_last_success_timestamp_seconds{task="partition_upkeep"} )"))
      << text;
  EXPECT_TRUE(HasLine(text, "nedlia_webhook_delivery_queue 0")) << text;
  EXPECT_TRUE(HasLine(text, "process_resident_memory_bytes ")) << text;
  EXPECT_TRUE(HasLine(text, "nedlia_build_info{version=\"")) << text;
  EXPECT_TRUE(HasLine(text, "nedlia_http_connections ")) << text;

  // The JSON log: one object per line, each with its time, level, message and component; the
  // request line with its route, status and duration.
  serve_->Stop();
  std::istringstream lines(serve_->Log());
  std::string line;
  int objects = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() != '{')
      continue;  // what the command prints for a person (the first key) is not a log line
    const json entry = json::parse(line);
    ++objects;
    for (const char* key : {"time", "level", "message", "component"})
      EXPECT_TRUE(entry.contains(key)) << key << " in " << line;
  }
  EXPECT_GT(objects, 2) << serve_->Log();
}

TEST_F(MetricsCliTest, RequestLinesInTheJsonLogCarryRouteStatusAndDuration) {
  process::Environment environment = Common();
  environment.emplace_back("NEDLIA_HTTP_PORT", "0");
  environment.emplace_back("NEDLIA_LOG_FORMAT", "json");
  environment.emplace_back("NEDLIA_LOG_LEVEL", "debug");
  serve_.emplace("nedlia-metrics-debug",
                 std::vector<std::string>{NedliaBinary(), "serve", "--no-workers"}, environment);
  const std::string url = serve_->Await("listening on ");
  http::testing::CurlClient client;
  ASSERT_EQ(client.Get(url + "/v1/placements/00000000-0000-4000-8000-000000000001").status, 401);
  serve_->Stop();
  std::istringstream lines(serve_->Log());
  std::string text;
  std::optional<json> request_line;
  while (std::getline(lines, text)) {
    if (text.empty() || text.front() != '{')
      continue;
    json entry = json::parse(text);
    if (entry.value("route", "") == "/v1/placements/{id}")
      request_line = std::move(entry);
  }
  ASSERT_TRUE(request_line) << serve_->Log();
  EXPECT_EQ((*request_line)["status"], "401");
  EXPECT_EQ((*request_line)["method"], "GET");
  EXPECT_EQ((*request_line)["component"], "http");
  EXPECT_TRUE(request_line->contains("duration_ms"));
}

TEST_F(MetricsCliTest, WorkersServeTheirOwnMetricsAndHealth) {
  const std::string metrics = StartWorkers();
  ASSERT_FALSE(metrics.empty()) << workers_->Log();
  const std::string base = metrics.substr(0, metrics.rfind("/metrics"));
  http::testing::CurlClient client;
  EXPECT_EQ(client.Get(base + "/healthz").status, 200);
  EXPECT_EQ(client.Get(base + "/readyz").status, 200);
  // An event for every consumer: a video registered.
  database_.Connect().Execute(
      "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata) VALUES "
      "('com.nedlia.placement.deleted.v1', 'placement', gen_random_uuid(), "
      "'{\"placement_id\": \"00000000-0000-4000-8000-000000000001\"}', '{\"source\": \"/t\"}')");
  std::string text;
  ASSERT_TRUE(WaitFor(
      [&] {
        text = Scrape(metrics);
        return HasLine(text, R"(nedlia_relay_events_published_total 1)");
      },
      30s))
      << text << workers_->Log();
  for (const char* consumer :
       {"validator", "projector", "notifier", "file-generator", "bus-relay"}) {
    EXPECT_TRUE(HasLine(
        text, std::string("nedlia_consumer_events_handled_total{consumer=\"") + consumer + "\"} "))
        << consumer << text;
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        text = Scrape(metrics);
        return HasLine(text, R"(nedlia_outbox_backlog_events{consumer="bus-relay"} 0)");
      },
      30s))
      << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_outbox_oldest_unread_age_seconds{consumer="projector"} )"))
      << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_webhook_deliveries_total{outcome="delivered"} 0)")) << text;
  EXPECT_TRUE(HasLine(text, R"(nedlia_db_pool_in_use{pool="workers"} )")) << text;
  EXPECT_EQ(text.find("nedlia_http_requests_total"), std::string::npos)
      << "the worker's own /metrics requests are not the API's";
}

// deploy/metric-names.txt lists what the alert rules and the dashboard may use: every name there
// is exported by a serve or a worker, and every family they export is listed.
TEST_F(MetricsCliTest, TheProcessesExportExactlyTheDocumentedFamilies) {
  const auto [url, worker] = StartBothWithABackupOnRecord();
  ASSERT_FALSE(url.empty());
  ASSERT_FALSE(worker.empty());
  std::set<std::string> exported;
  ASSERT_TRUE(WaitFor(
      [&] {
        exported = Families(Scrape(url + "/metrics"));
        const std::set<std::string> more = Families(Scrape(worker));
        exported.insert(more.begin(), more.end());
        return exported.contains("nedlia_outbox_backlog_events") &&
               exported.contains("nedlia_platform_state_up");
      },
      30s));
  std::ifstream file(std::string(std::getenv("NEDLIA_TEST_SOURCE_DIR")) +
                     "/deploy/metric-names.txt");
  ASSERT_TRUE(file) << "deploy/metric-names.txt";
  std::set<std::string> documented;
  std::string name;
  while (std::getline(file, name)) {
    if (!name.empty() && name.front() != '#')
      documented.insert(name);
  }
  // Only with a read replica (serve --read-replica): not in this deployment.
  const std::set<std::string> with_a_replica{"nedlia_replica_lag_seconds",
                                             "nedlia_replica_lag_bytes", "nedlia_replica_up",
                                             "nedlia_reads_total"};
  for (const std::string& family : documented) {
    if (family != "up" && !with_a_replica.contains(family)) {
      EXPECT_TRUE(exported.contains(family)) << family << " is documented but not exported";
    }
  }
  for (const std::string& family : exported) {
    EXPECT_TRUE(documented.contains(family)) << family << " is exported but not documented";
  }
}

/// What `promtool check metrics` (Prometheus' own linter of the exposition format) says of a
/// scrape, and whether it accepts it.
process::RunResult PromtoolCheck(const std::string& scrape, const std::string& name) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("nedlia-" + name + "-" + std::to_string(getpid()));
  std::ofstream(file) << scrape.substr(1);  // without Scrape's leading newline
  process::RunResult result =
      process::Run({"sh", "-c", "promtool check metrics < \"$0\"", file.string()},
                   {.output = process::Output::kCapture, .timeout = 30s});
  std::filesystem::remove(file);
  return result;
}

TEST_F(MetricsCliTest, PromtoolAcceptsTheMetricsOfServeAndOfAWorker) {
  if (!process::FindProgram("promtool"))
    GTEST_SKIP() << "promtool is not installed (scripts/install-deps installs prometheus)";
  const auto [url, worker] = StartBothWithABackupOnRecord();
  ASSERT_FALSE(url.empty());
  ASSERT_FALSE(worker.empty());
  http::testing::CurlClient client;
  EXPECT_EQ(client.Get(url + "/healthz").status, 200);  // a request counted and timed
  std::string serve_text;
  std::string worker_text;
  ASSERT_TRUE(WaitFor(
      [&] {
        serve_text = Scrape(url + "/metrics");
        worker_text = Scrape(worker);
        return HasLine(serve_text, "nedlia_platform_state_up ") &&
               HasLine(worker_text, "nedlia_outbox_backlog_events{");
      },
      30s));
  for (const auto& [name, text] : {std::pair{"serve", serve_text}, {"worker", worker_text}}) {
    const process::RunResult check = PromtoolCheck(text, name);
    EXPECT_TRUE(check.Succeeded()) << name << ": " << check.output;
    EXPECT_EQ(check.output, "") << name << ": promtool found nothing to lint";
  }
}

// A real Prometheus scrapes both processes and answers a query for their series.
TEST_F(MetricsCliTest, PrometheusScrapesServeAndWorker) {
  const char* prometheus = "/usr/bin/prometheus";
  if (!std::filesystem::exists(prometheus)) {
    GTEST_SKIP() << "prometheus is not installed (scripts/install-deps installs it)";
  }
  const std::string url = StartServe();
  const std::string worker = StartWorkers();
  ASSERT_FALSE(url.empty());
  ASSERT_FALSE(worker.empty());
  const auto target = [](const std::string& address) {
    const std::string rest = address.substr(address.find("//") + 2);
    return rest.substr(0, rest.find('/'));
  };
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nedlia-prometheus-" + database_.Name());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "prometheus.yml")
      << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
      << "scrape_configs:\n"
      << "  - job_name: nedlia-serve\n    static_configs: [{targets: ['" << target(url) << "']}]\n"
      << "  - job_name: nedlia-worker\n    static_configs: [{targets: ['" << target(worker)
      << "']}]\n";
  const int port = FreeLoopbackPort();
  BackgroundProcess server("nedlia-prometheus",
                           {prometheus, "--config.file=" + (dir / "prometheus.yml").string(),
                            "--storage.tsdb.path=" + (dir / "data").string(),
                            "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                           {});
  const std::string api = "http://127.0.0.1:" + std::to_string(port) + "/api/v1/query?query=";
  http::testing::CurlClient client;
  const auto series = [&](const std::string& query) {
    const auto reply = client.Get(api + query);
    if (reply.status != 200)
      return json::array();
    return json::parse(reply.body)["data"]["result"];
  };
  EXPECT_TRUE(WaitFor(
      [&] { return series("nedlia_build_info%7Bjob%3D%22nedlia-serve%22%7D").size() == 1; }, 60s))
      << server.Log();
  EXPECT_TRUE(WaitFor(
      [&] {
        return !series("nedlia_consumer_events_handled_total%7Bjob%3D%22nedlia-worker%22%7D")
                    .empty();
      },
      60s))
      << server.Log();
  server.Stop();
  std::filesystem::remove_all(dir);
}

TEST_F(MetricsCliTest, BadSettingsStopTheStartInOneLine) {
  const auto run = [&](const std::string& environment, const std::string& command) {
    return RunCommand(environment + " NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) + " " +
                      ShellQuote(NedliaBinary()) + " " + command);
  };
  const CommandResult format = run("NEDLIA_LOG_FORMAT=yaml", "serve");
  EXPECT_EQ(format.exit_code, 1);
  EXPECT_EQ(format.output, "nedlia: NEDLIA_LOG_FORMAT must be one of text, json, not 'yaml'\n");
  const CommandResult level = run("NEDLIA_LOG_LEVEL=loud", "worker all");
  EXPECT_EQ(level.exit_code, 1);
  EXPECT_EQ(level.output.find('\n'), level.output.size() - 1) << level.output;
  EXPECT_NE(level.output.find("NEDLIA_LOG_LEVEL must be one of trace, debug"), std::string::npos);
  const CommandResult window = run("NEDLIA_BACKUP_WINDOW=03:00-25:00", "serve");
  EXPECT_EQ(window.exit_code, 1);
  EXPECT_EQ(window.output,
            "nedlia: NEDLIA_BACKUP_WINDOW must be HH:MM-HH:MM in UTC (such as 03:00-04:00), or "
            "any; not '03:00-25:00'\n");

  const std::string metrics = StartWorkers();
  ASSERT_FALSE(metrics.empty());
  const std::string port =
      metrics.substr(metrics.rfind(':') + 1, metrics.rfind('/') - metrics.rfind(':') - 1);
  const CommandResult taken = run("NEDLIA_METRICS_PORT=" + port, "worker projector");
  EXPECT_EQ(taken.exit_code, 1) << taken.output;
  EXPECT_NE(taken.output.find("NEDLIA_METRICS_PORT"), std::string::npos) << taken.output;
  EXPECT_EQ(std::count(taken.output.begin(), taken.output.end(), '\n'), 1) << taken.output;
}

}  // namespace
}  // namespace nedlia::testing
