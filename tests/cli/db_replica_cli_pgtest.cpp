// `nedlia db replica ...` and `nedlia serve --read-replica` end to end: a managed primary and its
// streaming replica of this test's own (not the run's shared server), the real binary, real
// HTTP on loopback.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "pg/connection.hpp"
#include "process/subprocess.hpp"
#include "support/managed_pair.hpp"
#include "support/process_output.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// What a request and a poll may take on a loaded machine, beyond the bound under test.
constexpr auto kSlack = 700ms;

class DbReplicaTest : public ::testing::Test {
 protected:
  DbReplicaTest() = default;
  DbReplicaTest(const DbReplicaTest&) = delete;
  DbReplicaTest& operator=(const DbReplicaTest&) = delete;
  DbReplicaTest(DbReplicaTest&&) = delete;
  DbReplicaTest& operator=(DbReplicaTest&&) = delete;
  ~DbReplicaTest() override {
    if (serve_) {
      ::kill(serve_->Pid(), SIGTERM);
      serve_->Wait(15s);
    }
  }

  CommandResult Nedlia(const std::string& arguments) { return pair_.Nedlia(arguments); }
  std::string Environment() const { return pair_.Environment(); }
  void StartPrimaryAndReplica() { pair_.StartPrimaryAndReplica(); }
  pg::Connection Primary() { return pair_.Primary(); }
  pg::Connection Replica() { return pair_.Replica(); }

  // `nedlia serve --read-replica replica` with the bound given; returns its base URL once it
  // listens, and keeps the admin key it printed.
  std::string StartServe(int max_lag_ms) {
    process::RunOptions options;
    options.output = process::Output::kDiscard;
    const std::string command = Environment() +
                                "NEDLIA_REPLICA_MAX_LAG_MS=" + std::to_string(max_lag_ms) +
                                " NEDLIA_HTTP_PORT=0 NEDLIA_LOG_LEVEL=info exec \"$0\" serve "
                                "--read-replica replica >\"$1\" 2>&1";
    serve_.emplace(process::Subprocess::Start(
        {"/bin/sh", "-c", command, NedliaBinary(), log_.string()}, options));
    const std::string url = AwaitAfterPrefix([this] { return Log(); }, kListeningOn, 30s);
    EXPECT_FALSE(url.empty()) << Log();
    key_ = AfterPrefix(Log(), kFirstAdminKey);
    return url;
  }

  std::string Log() const { return ReadWholeFile(log_); }

  http::testing::HttpResult Call(const std::string& method, const std::string& path,
                                 const std::string& body = "") {
    return client_.Send(method, base_ + path, body,
                        {"Authorization: Bearer " + key_, "Content-Type: application/json"});
  }

  // The value of one series of /metrics ("name" or "name{labels}"); -1 when absent.
  double Metric(const std::string& series) {
    const std::string text = client_.Get(base_ + "/metrics").body;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(series + " ", 0) == 0)
        return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }
  double ReplicaReads() { return Metric("nedlia_reads_total{served_by=\"replica\"}"); }
  double PrimaryReads() { return Metric("nedlia_reads_total{served_by=\"primary\"}"); }

  // Reads until one is answered by the replica: it is caught up and in use.
  bool ReplicaServesReads() {
    return WaitFor([&] {
      const double before = ReplicaReads();
      Call("GET", "/v1/advertisers");
      return ReplicaReads() > before;
    });
  }

  std::string CreateAdvertiserOnThePrimary(const std::string& name) {
    return Primary()
        .Execute(
            "INSERT INTO advertisers (name, contact_email) VALUES ($1, 'a@b.example') "
            "RETURNING id",
            pg::Params(name))
        .Single()[0]
        .As<std::string>();
  }

  ManagedPair pair_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  const fs::path& dir_ = pair_.Dir();
  int replica_port_ = pair_.ReplicaPort();
  fs::path log_ = dir_ / "serve.log";
  std::optional<process::Subprocess> serve_;
  std::string base_;
  std::string key_;
  http::testing::CurlClient client_;
};

TEST_F(DbReplicaTest, CreateWithoutARunningPrimaryIsOneLineAndLeavesNothingBehind) {
  const auto result = Nedlia("db replica create --port " + std::to_string(replica_port_));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output, "nedlia: the managed PostgreSQL in " + (dir_ / "pg").string() +
                               " is not running; start it first (`nedlia db start`)\n");
  EXPECT_FALSE(fs::exists(dir_ / "pg-replica"));
  EXPECT_FALSE(fs::exists(dir_ / "pg"));
}

TEST_F(DbReplicaTest, BadNameIsOneLineAndExitStatus1) {
  const auto result = Nedlia("db replica create Bad-Name");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output,
            "nedlia: replica name 'Bad-Name' must be 1 to 40 of a-z, 0-9 and _ (it names the "
            "replication slot)\n");
}

TEST_F(DbReplicaTest, ServeWithAReplicaNeverCreatedIsOneLineAndExitStatus1) {
  const auto result = Nedlia("serve --port 0 --read-replica nope");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output,
            "nedlia: there is no managed replica 'nope'; create it with `nedlia db replica create "
            "nope`\n");
  EXPECT_FALSE(fs::exists(dir_ / "pg"));  // nor did it start (or create) the primary
}

TEST_F(DbReplicaTest, CreatedReplicaStreamsCommittedDataAndStatusSaysSo) {
  StartPrimaryAndReplica();
  const auto status = Nedlia("db replica status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("replication: streaming\n"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("primary:     sender streaming\n"), std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("replay lag:  "), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("slot:        nedlia_replica\n"), std::string::npos)
      << status.output;
  EXPECT_EQ(Primary()
                .Execute("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                         "'nedlia_replica' AND active")
                .Single()[0]
                .As<std::int64_t>(),
            1);

  const std::string id = CreateAdvertiserOnThePrimary("Streamed");
  EXPECT_TRUE(WaitFor([&] {
    return Replica()
               .Execute("SELECT count(*) FROM advertisers WHERE id = $1", pg::Params(id))
               .Single()[0]
               .As<std::int64_t>() == 1;
  }));

  const auto again = Nedlia("db replica create");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("nedlia: replica 'replica' already exists in "), std::string::npos)
      << again.output;
  EXPECT_EQ(Nedlia("db replica stop").output, "replica stopped\n");
  const auto stopped = Nedlia("db replica status");
  EXPECT_EQ(stopped.exit_code, 3);
  EXPECT_NE(stopped.output.find("status:      stopped\n"), std::string::npos) << stopped.output;
  // Restarting it without --port finds the port it was created with.
  const auto restarted = Nedlia("db replica start");
  EXPECT_EQ(restarted.exit_code, 0) << restarted.output;
  EXPECT_NE(restarted.output.find("port=" + std::to_string(replica_port_)), std::string::npos)
      << restarted.output;
}

TEST_F(DbReplicaTest, DropStopsItDropsItsSlotAndDeletesItsDirectory) {
  StartPrimaryAndReplica();
  const auto dropped = Nedlia("db replica drop");
  EXPECT_EQ(dropped.exit_code, 0) << dropped.output;
  EXPECT_EQ(dropped.output, "replica dropped\n");
  EXPECT_FALSE(fs::exists(dir_ / "pg-replica"));
  EXPECT_EQ(
      Primary().Execute("SELECT count(*) FROM pg_replication_slots").Single()[0].As<std::int64_t>(),
      0);
  const auto status = Nedlia("db replica status");
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_NE(status.output.find("status:      not created\n"), std::string::npos) << status.output;
}

TEST_F(DbReplicaTest, ReadsThroughTheReplicaSeeCommittedDataWithinTheBound) {
  StartPrimaryAndReplica();
  base_ = StartServe(500);
  ASSERT_FALSE(base_.empty());
  ASSERT_TRUE(ReplicaServesReads()) << Log();
  EXPECT_GE(Metric("nedlia_replica_lag_seconds"), 0);
  EXPECT_GE(Metric("nedlia_replica_lag_bytes"), 0);
  EXPECT_EQ(Metric("nedlia_replica_up"), 1);

  // Read-your-writes: what this client just wrote, it reads back at once.
  const auto created =
      Call("POST", "/v1/advertisers", R"({"name":"Mine","contact_email":"m@mine.example"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string mine = nlohmann::json::parse(created.body)["data"]["id"];
  EXPECT_EQ(Call("GET", "/v1/advertisers/" + mine).status, 200);

  // Another writer's change shows within the bound, and the replica keeps serving reads.
  const std::string theirs = CreateAdvertiserOnThePrimary("Theirs");
  const auto written = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return Call("GET", "/v1/advertisers/" + theirs).status == 200; }));
  EXPECT_LT(std::chrono::steady_clock::now() - written, 500ms + kSlack);
  EXPECT_TRUE(ReplicaServesReads());
}

TEST_F(DbReplicaTest, PausedReplayFallsBackToThePrimaryBeyondTheBound) {
  StartPrimaryAndReplica();
  base_ = StartServe(300);
  ASSERT_FALSE(base_.empty());
  ASSERT_TRUE(ReplicaServesReads()) << Log();
  Replica().Execute("SELECT pg_wal_replay_pause()");
  // Still within the bound, the replica would answer this read (not found): read-your-writes
  // sends it to the primary.
  const auto created =
      Call("POST", "/v1/advertisers", R"({"name":"Mine","contact_email":"m@mine.example"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string mine = nlohmann::json::parse(created.body)["data"]["id"];
  EXPECT_EQ(Call("GET", "/v1/advertisers/" + mine).status, 200);

  const std::string theirs = CreateAdvertiserOnThePrimary("Behind a paused replica");
  const auto written = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return Call("GET", "/v1/advertisers/" + theirs).status == 200; }));
  EXPECT_LT(std::chrono::steady_clock::now() - written, 300ms + kSlack);
  // From now on the primary answers, and says how far behind the replica is.
  const double primary_reads = PrimaryReads();
  EXPECT_EQ(Call("GET", "/v1/advertisers/" + theirs).status, 200);
  EXPECT_GT(PrimaryReads(), primary_reads);
  EXPECT_TRUE(WaitFor([&] { return Metric("nedlia_replica_lag_seconds") > 0.3; }));
  EXPECT_GT(Metric("nedlia_replica_lag_bytes"), 0);
  EXPECT_EQ(Replica()
                .Execute("SELECT count(*) FROM advertisers WHERE id = $1", pg::Params(theirs))
                .Single()[0]
                .As<std::int64_t>(),
            0);  // the replica really is behind

  Replica().Execute("SELECT pg_wal_replay_resume()");
  EXPECT_TRUE(ReplicaServesReads());
  EXPECT_TRUE(WaitFor([&] { return Metric("nedlia_replica_lag_seconds") < 0.3; }));
}

TEST_F(DbReplicaTest, StoppedReplicaFallsBackToThePrimaryAndIsUsedAgainOnceBack) {
  StartPrimaryAndReplica();
  base_ = StartServe(1000);
  ASSERT_FALSE(base_.empty());
  ASSERT_TRUE(ReplicaServesReads()) << Log();
  ASSERT_EQ(Nedlia("db replica stop").exit_code, 0);

  const auto created =
      Call("POST", "/v1/advertisers", R"({"name":"While down","contact_email":"d@own.example"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = nlohmann::json::parse(created.body)["data"]["id"];
  EXPECT_EQ(Call("GET", "/v1/advertisers/" + id).status, 200);
  const std::string theirs = CreateAdvertiserOnThePrimary("Also while down");
  EXPECT_EQ(Call("GET", "/v1/advertisers/" + theirs).status, 200);
  EXPECT_TRUE(WaitFor([&] { return Metric("nedlia_replica_up") == 0; }));

  ASSERT_EQ(Nedlia("db replica start").exit_code, 0);
  EXPECT_TRUE(ReplicaServesReads()) << Log();
  EXPECT_EQ(Call("GET", "/v1/advertisers/" + theirs).status, 200);
}

}  // namespace
}  // namespace nedlia::testing
