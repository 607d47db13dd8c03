// `nedlia serve` end to end: the real binary, a real database, real HTTP on loopback.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "http/raw_socket.hpp"
#include "http/server.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "process/subprocess.hpp"
#include "support/process_output.hpp"
#include "support/retention_data.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;

class ServeCliTest : public ::testing::Test {
 protected:
  ServeCliTest() = default;
  ServeCliTest(const ServeCliTest&) = delete;
  ServeCliTest& operator=(const ServeCliTest&) = delete;
  ServeCliTest(ServeCliTest&&) = delete;
  ServeCliTest& operator=(ServeCliTest&&) = delete;
  ~ServeCliTest() override { std::filesystem::remove(log_); }

  // Starts `nedlia serve` with its output in a file; returns its base URL once it listens.
  std::string StartServe(const std::vector<std::pair<std::string, std::string>>& more_env = {}) {
    // A previous run's "listening on" must not be mistaken for this one's.
    std::filesystem::remove(log_);
    process::RunOptions options;
    options.environment = {{"NEDLIA_DATABASE_URL", database_.Url()},
                           {"NEDLIA_HTTP_PORT", "0"},
                           {"NEDLIA_LOG_LEVEL", "info"}};
    for (const auto& variable : more_env)
      options.environment.push_back(variable);
    options.output = process::Output::kDiscard;
    // exec: the pid we signal is nedlia's, not the shell's.
    serve_.emplace(process::Subprocess::Start(
        {"/bin/sh", "-c", "exec \"$0\" serve >\"$1\" 2>&1", NedliaBinary(), log_.string()},
        options));
    const std::string url = AwaitAfterPrefix([this] { return Log(); }, kListeningOn, 30s);
    EXPECT_FALSE(url.empty()) << "nedlia serve did not start listening:\n" << Log();
    return url;
  }

  std::string Log() const { return ReadWholeFile(log_); }

  std::string ServeCommand(const std::string& url, const std::string& arguments) {
    return "NEDLIA_DATABASE_URL=" + ShellQuote(url) + " NEDLIA_LOG_LEVEL=warn " +
           ShellQuote(NedliaBinary()) + " serve " + arguments;
  }

  TestDatabase database_{Template::kMigrated};
  std::filesystem::path log_ =
      std::filesystem::temp_directory_path() / (database_.Name() + "-serve.log");
  std::optional<process::Subprocess> serve_;
};

TEST_F(ServeCliTest, ServesHealthAndReadinessAndStopsOnSigterm) {
  const std::string url = StartServe();
  ASSERT_FALSE(url.empty());
  http::testing::CurlClient client;
  EXPECT_EQ(client.Get(url + "/healthz").status, 200);
  const auto ready = client.Get(url + "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(nlohmann::json::parse(ready.body)["status"], "ready");

  ASSERT_EQ(::kill(serve_->Pid(), SIGTERM), 0);
  const process::RunResult result = serve_->Wait(15s);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 0) << Log();
  EXPECT_NE(Log().find("stopped"), std::string::npos) << Log();
  // The API log's last entries are written on the way out, not lost with the pool.
  EXPECT_EQ(database_.Connect()
                .Execute("SELECT string_agg(path || ' ' || status, ',' ORDER BY id) FROM api_logs")
                .Single()[0]
                .As<std::string>(),
            "/healthz 200,/readyz 200");
}

// Clients that open an event stream and stop reading: SIGTERM must end their streams (and any
// idle connection) and the whole process within 5 s, whatever they do.
TEST_F(ServeCliTest, SigtermEndsStuckEventStreamsAndTheProcessWithinFiveSeconds) {
  // 20,000 events of 1 KiB: far more than the socket buffers hold, so the writes block.
  database_.Connect().Execute(R"sql(
      INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata)
      SELECT gen_random_uuid(), 'com.nedlia.video.created.v1', 'video', gen_random_uuid(),
             jsonb_build_object('title', repeat('x', 1000)), '{}'::jsonb
      FROM generate_series(1, 20000))sql");
  const std::string url = StartServe();
  ASSERT_FALSE(url.empty());
  const std::string key = AfterPrefix(Log(), kFirstAdminKey);
  ASSERT_FALSE(key.empty()) << Log();
  const auto port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  std::vector<http::testing::RawSocket> stuck;
  for (int i = 0; i < 5; ++i) {
    stuck.emplace_back(port);
    ASSERT_TRUE(
        stuck.back().Send("GET /v1/events/stream HTTP/1.1\r\nHost: x\r\n"
                          "Authorization: Bearer " +
                          key + "\r\n\r\n"));
  }
  http::testing::RawSocket idle(port);
  http::testing::CurlClient client;
  ASSERT_EQ(client.Get(url + "/healthz").status, 200);  // and stays connected, idle
  // Stuck for real: the server's send queues toward the stream clients are full.
  const auto stuck_streams = [port] {
    return http::testing::ConnectionsWithSendQueueOver(port, 512 * 1024);
  };
  ASSERT_TRUE(WaitFor([&] { return stuck_streams() == 5; }, 60s)) << stuck_streams();
  // Not synchronisation: time for the hub to hand the streams more, which the server is now
  // blocked writing (nothing outside the process shows that it is).
  std::this_thread::sleep_for(2s);

  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(serve_->Pid(), SIGTERM), 0);
  const process::RunResult result = serve_->Wait(15s);
  EXPECT_FALSE(result.timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << Log();
  EXPECT_EQ(result.exit_code, 0) << Log();
}

TEST_F(ServeCliTest, FirstServePrintsOneWorkingAdminKeyOnlyOnce) {
  const std::string url = StartServe();
  ASSERT_FALSE(url.empty());
  const std::string key = AfterPrefix(Log(), kFirstAdminKey);
  ASSERT_FALSE(key.empty()) << Log();
  http::testing::CurlClient client;
  EXPECT_EQ(client.Send("GET", url + "/v1/placements", "", {"Authorization: Bearer " + key}).status,
            200);
  EXPECT_EQ(client.Send("GET", url + "/v1/placements", "", {"Authorization: Bearer nope"}).status,
            401);
  ASSERT_EQ(::kill(serve_->Pid(), SIGTERM), 0);
  EXPECT_EQ(serve_->Wait(15s).exit_code, 0);

  ASSERT_FALSE(StartServe().empty());
  EXPECT_EQ(Log().find("first admin API key"), std::string::npos) << Log();
  ::kill(serve_->Pid(), SIGTERM);
  serve_->Wait(15s);
}

// The whole process as deployed: GETs by id run in fibers on the event loop and read through the
// shared connection; a key not yet cached moves its request to a worker for the lookup.
TEST_F(ServeCliTest, GetsByIdAreAnsweredFromTheEventLoopByManyClientsAtOnce) {
  const std::string url = StartServe();
  ASSERT_FALSE(url.empty()) << Log();
  const std::string key = AfterPrefix(Log(), kFirstAdminKey);
  ASSERT_FALSE(key.empty()) << Log();
  const std::vector<std::string> auth = {"Authorization: Bearer " + key,
                                         "Content-Type: application/json"};
  http::testing::CurlClient client;
  // The first request of the key looks it up (on a worker); the rest find it cached.
  const auto created =
      client.Send("POST", url + "/v1/advertisers",
                  R"({"name": "Acme", "contact_email": "ads@acme.example"})", auth);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = nlohmann::json::parse(created.body)["data"]["id"];
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  clients.reserve(8);
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&] {
      http::testing::CurlClient mine;
      for (int i = 0; i < 25; ++i) {
        const auto got = mine.Send("GET", url + "/v1/advertisers/" + id, "", auth);
        const auto body = nlohmann::json::parse(got.body, nullptr, false);
        if (got.status != 200 || body.is_discarded() || body["data"]["id"] != id)
          ++wrong;
      }
      if (mine.Send("GET", url + "/v1/advertisers/0190a1b2-0000-7000-8000-000000000000", "", auth)
              .status != 404)
        ++wrong;
    });
  }
  for (std::thread& thread : clients)
    thread.join();
  EXPECT_EQ(wrong.load(), 0);
  const std::string metrics = client.Get(url + "/metrics").body;
  EXPECT_NE(metrics.find("nedlia_http_requests_on_loop 0"), std::string::npos) << metrics;
  const std::string reads = AfterPrefix(metrics, "\nnedlia_db_key_reads_total ");
  EXPECT_GE(std::atoll(reads.c_str()), 8 * 26) << "through the shared connection:\n" << metrics;
  ::kill(serve_->Pid(), SIGTERM);
  EXPECT_EQ(serve_->Wait(15s).exit_code, 0);
}

TEST_F(ServeCliTest, EventsNameTheirSchemaUnderThePublicUrlWhichServesIt) {
  // Behind a proxy: the address clients use is not the listener's (never contacted here).
  const std::string public_url = "https://api.nedlia.test/edge";
  const std::string url = StartServe({{"NEDLIA_PUBLIC_URL", public_url + "/"}});
  ASSERT_FALSE(url.empty()) << Log();
  const std::string key = AfterPrefix(Log(), kFirstAdminKey);
  ASSERT_FALSE(key.empty()) << Log();
  EXPECT_EQ(Log().find("NEDLIA_PUBLIC_URL is unset"), std::string::npos) << Log();
  http::testing::CurlClient client;
  const std::vector<std::string> auth = {"Authorization: Bearer " + key,
                                         "Content-Type: application/json"};
  ASSERT_EQ(client
                .Send("POST", url + "/v1/advertisers",
                      R"({"name": "Acme", "contact_email": "ads@acme.example"})", auth)
                .status,
            201);
  const std::string type = "com.nedlia.advertiser.created.v2";
  nlohmann::json event;
  ASSERT_TRUE(WaitFor([&] {
    const auto feed = client.Send("GET", url + "/v1/events?type=" + type, "", auth);
    const auto page = nlohmann::json::parse(feed.body, nullptr, false);
    if (page.is_discarded() || page["data"].empty())
      return false;
    event = page["data"][0];
    return true;
  }));
  const std::string schema_path = "/v1/schemas/events/" + type;
  EXPECT_EQ(event["dataschema"], public_url + schema_path);
  const auto schema = client.Get(url + schema_path);
  ASSERT_EQ(schema.status, 200) << schema.body;
  EXPECT_EQ(nlohmann::json::parse(schema.body)["$id"], event["dataschema"]);
  ::kill(serve_->Pid(), SIGTERM);
  serve_->Wait(15s);
}

TEST_F(ServeCliTest, AnyFreePortWithoutAPublicUrlIsWarnedOf) {
  ASSERT_FALSE(StartServe().empty());
  EXPECT_NE(Log().find("NEDLIA_PUBLIC_URL is unset: events' dataschema says "
                       "http://127.0.0.1:0/v1/schemas/events/"),
            std::string::npos)
      << Log();
  ::kill(serve_->Pid(), SIGTERM);
  serve_->Wait(15s);
}

TEST_F(ServeCliTest, SchemaBelowTheLatestMigrationIsRefusedWithWhatToDo) {
  TestDatabase empty(Template::kEmpty);
  const auto result = RunCommand(ServeCommand(empty.Url(), "--port 0") + " 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(
      result.output.rfind("nedlia: the database schema is at base, behind this release's ", 0), 0U)
      << result.output;
  EXPECT_TRUE(result.output.ends_with(": run `nedlia migrate upgrade head` first\n"))
      << result.output;
}

TEST_F(ServeCliTest, ServeWorkersChoosesTheConsumersThatRunBesideTheApi) {
  const auto consumers = [&] {
    return database_.Connect()
        .Execute(
            "SELECT coalesce(string_agg(DISTINCT consumer, ','), '') "
            "FROM event_subscriptions")
        .Single()[0]
        .As<std::string>();
  };
  ASSERT_FALSE(StartServe({{"NEDLIA_SERVE_WORKERS", "none"}}).empty());
  // Not synchronisation: a window in which a consumer, had one started, would have subscribed.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(consumers(), "");  // a consumer subscribes as it starts
  ASSERT_EQ(::kill(serve_->Pid(), SIGTERM), 0);
  EXPECT_EQ(serve_->Wait(15s).exit_code, 0) << Log();

  ASSERT_FALSE(StartServe({{"NEDLIA_SERVE_WORKERS", "projector, validator"}}).empty());
  EXPECT_TRUE(WaitFor([&] { return consumers() == "projector,validator"; })) << consumers();
  ASSERT_EQ(::kill(serve_->Pid(), SIGTERM), 0);
  EXPECT_EQ(serve_->Wait(15s).exit_code, 0) << Log();
}

TEST_F(ServeCliTest, UpkeepDeletesWhatIsPastRetentionAtStart) {
  const std::filesystem::path objects =
      std::filesystem::temp_directory_path() / (database_.Name() + "-objects");
  object_stores::FilesystemObjectStore files(objects);
  pg::Connection sql = database_.Connect();
  SeedPurgeData(sql, files);
  ASSERT_FALSE(
      StartServe({{"NEDLIA_SERVE_WORKERS", "none"}, {"NEDLIA_OBJECTS_DIR", objects.string()}})
          .empty());
  const std::string expected =
      "api_logs:1 idempotency_keys:1 webhooks:1 webhook_deliveries:2 event_dead_letters:1 "
      "processed_events:1 placement_file_objects:2 erased_advertisers:1";
  WaitFor([&] { return PurgeableTableCounts(sql) == expected; });
  EXPECT_EQ(PurgeableTableCounts(sql), expected);
  EXPECT_EQ(files.List("placements/").size(), 2u);
  ASSERT_EQ(::kill(serve_->Pid(), SIGTERM), 0);
  EXPECT_EQ(serve_->Wait(15s).exit_code, 0) << Log();
  EXPECT_NE(Log().find("retention: deleted 1 idempotency keys older than 24 h"), std::string::npos)
      << Log();
  std::filesystem::remove_all(objects);
}

TEST_F(ServeCliTest, AnUnknownServeWorkerIsOneLineAndExitStatus1) {
  const auto result = RunCommand("NEDLIA_SERVE_WORKERS=projector,validater " +
                                 ServeCommand(database_.Url(), "--port 0") + " 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output,
            "nedlia: NEDLIA_SERVE_WORKERS: unknown worker 'validater' (known: validator, "
            "projector, notifier, file-generator, bus-relay, or none)\n");
}

TEST_F(ServeCliTest, PortInUseIsOneLineAndExitStatus1) {
  http::ServerOptions options;
  options.port = 0;
  http::Server occupant(options, [](http::Request&) { return http::Response::Text(200, ""); });
  occupant.Start();
  const std::string port = std::to_string(occupant.Port());
  const auto result = RunCommand(ServeCommand(database_.Url(), "--port " + port) + " 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output, "nedlia: cannot listen on 127.0.0.1:" + port +
                               ": address already in use (set --port or NEDLIA_HTTP_PORT to a "
                               "free port)\n");
}

TEST_F(ServeCliTest, UnreachableDatabaseIsOneLineAndExitStatus1) {
  const auto result =
      RunCommand(ServeCommand("postgresql://nedlia@127.0.0.1:1/none", "--port 0") + " 2>&1");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.output.starts_with("nedlia: cannot connect to the database at "))
      << result.output;
  EXPECT_EQ(result.output.find('\n'), result.output.size() - 1) << result.output;
}

}  // namespace
}  // namespace nedlia::testing
