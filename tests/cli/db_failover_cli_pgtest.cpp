// Failover end to end: a managed primary and its streaming replica of this test's own, the
// primary crashed (immediate shutdown), the replica promoted with `nedlia db replica promote`,
// and what was connected through a multi-host URL (a pool in this process, `nedlia serve`)
// carrying on against the new primary without a restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "pg/cluster_files.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "pg/transaction.hpp"
#include "process/subprocess.hpp"
#include "support/managed_pair.hpp"
#include "support/process_output.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How long after `promote` returns the pool and the API must be writing again: the next
// attempt's backoff and a connection, with room for a loaded machine.
constexpr auto kResumeBound = 10s;

double Seconds(Clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

/// Writes numbered rows through a pool until stopped, remembering which were acknowledged
/// (committed), when, and how every failure was classified.
class Writer {
 public:
  Writer(pg::Pool& pool, int first) : pool_(pool), next_(first) {
    thread_ = std::jthread([this](const std::stop_token& stop) { Run(stop); });
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  Writer(Writer&&) = delete;
  Writer& operator=(Writer&&) = delete;
  ~Writer() = default;

  void Stop() {
    thread_.request_stop();
    thread_.join();
  }
  /// The first acknowledgment at or after `since`, if any yet.
  std::optional<Clock::time_point> FirstAckSince(Clock::time_point since) const {
    const std::lock_guard lock(mutex_);
    for (const auto& [n, at] : acked_) {
      if (at >= since)
        return at;
    }
    return std::nullopt;
  }
  std::vector<std::pair<int, Clock::time_point>> Acked() const {
    const std::lock_guard lock(mutex_);
    return acked_;
  }
  int Unavailable() const { return unavailable_; }
  int InDoubt() const { return in_doubt_; }
  std::string OtherErrors() const {
    const std::lock_guard lock(mutex_);
    return other_errors_;
  }

 private:
  void Run(const std::stop_token& stop) {
    while (!stop.stop_requested()) {
      const int n = next_++;
      try {
        pg::RunInTransaction(pool_, {}, [n](pg::Transaction& tx) {
          tx.Execute("INSERT INTO failover_probe VALUES ($1, inet_server_port())", pg::Params(n));
        });
        const std::lock_guard lock(mutex_);
        acked_.emplace_back(n, Clock::now());
      } catch (const pg::TransactionInDoubt&) {
        ++in_doubt_;  // the crash hit its COMMIT: it may or may not be there
      } catch (const pg::ConnectionLost&) {
        ++unavailable_;  // ReadOnlyServer too
        std::this_thread::sleep_for(5ms);
      } catch (const pg::PoolExhausted&) {
        ++unavailable_;
      } catch (const std::exception& error) {
        const std::lock_guard lock(mutex_);
        other_errors_ += std::string(error.what()) + "; ";
      }
    }
  }

  pg::Pool& pool_;
  int next_;
  mutable std::mutex mutex_;
  std::vector<std::pair<int, Clock::time_point>> acked_;
  std::string other_errors_;
  std::atomic<int> unavailable_ = 0;
  std::atomic<int> in_doubt_ = 0;
  std::jthread thread_;
};

class FailoverTest : public ::testing::Test {
 protected:
  ~FailoverTest() override {
    if (serve_) {
      ::kill(serve_->Pid(), SIGTERM);
      serve_->Wait(15s);
    }
  }

  // What `pg_ctl stop -m immediate` does: SIGQUIT to the postmaster; no shutdown checkpoint,
  // nothing more sent to the standby. Returns once the port is free.
  void CrashPrimary() {
    const fs::path data = pair_.PrimaryHome() / "data";
    const auto running = pg::ReadPostmasterPid(data);
    ASSERT_TRUE(running.has_value());
    ASSERT_EQ(::kill(running->pid, SIGQUIT), 0);
    ASSERT_TRUE(WaitFor([&] {
      return !fs::exists(data / "postmaster.pid") && pg::IsLoopbackPortFree(pair_.PrimaryPort());
    }));
  }

  // The replica has replayed everything the primary had written when asked.
  void AwaitReplicaCaughtUp() {
    const auto written = pair_.Primary()
                             .Execute("SELECT (pg_current_wal_lsn() - '0/0')::bigint")
                             .Single()[0]
                             .As<std::int64_t>();
    ASSERT_TRUE(WaitFor([&] {
      return pair_.Replica()
                 .Execute("SELECT (pg_last_wal_replay_lsn() - '0/0')::bigint")
                 .Single()[0]
                 .As<std::int64_t>() >= written;
    }));
  }

  // `nedlia db replica promote`, timed from outside (the process's own start included).
  CommandResult Promote() {
    const Clock::time_point started = Clock::now();
    CommandResult result = pair_.Nedlia("db replica promote");
    promote_wall_ = Clock::now() - started;
    return result;
  }

  std::int64_t CountOnTheNewPrimary(const std::string& where) {
    return pair_.Replica()
        .Execute("SELECT count(*) FROM failover_probe WHERE " + where)
        .Single()[0]
        .As<std::int64_t>();
  }

  // `nedlia serve` on the multi-host URL; returns its base URL once it listens and keeps the
  // admin key it printed.
  std::string StartServe(const std::string& database_url) {
    process::RunOptions options;
    options.output = process::Output::kDiscard;
    const std::string command = pair_.Environment() +
                                "NEDLIA_DATABASE_URL=" + ShellQuote(database_url) +
                                " NEDLIA_HTTP_PORT=0 NEDLIA_LOG_LEVEL=info exec \"$0\" serve "
                                ">\"$1\" 2>&1";
    serve_.emplace(process::Subprocess::Start(
        {"/bin/sh", "-c", command, NedliaBinary(), log_.string()}, options));
    const std::string url = AwaitAfterPrefix([this] { return Log(); }, kListeningOn, 60s);
    EXPECT_FALSE(url.empty()) << Log();
    key_ = AfterPrefix(Log(), kFirstAdminKey);
    return url;
  }

  std::string Log() const { return ReadWholeFile(log_); }

  http::testing::HttpResult CreateAdvertiser(const std::string& name) {
    return client_.Send("POST", base_ + "/v1/advertisers",
                        R"({"name":")" + name + R"(","contact_email":"a@b.example"})",
                        {"Authorization: Bearer " + key_, "Content-Type: application/json"});
  }

  ManagedPair pair_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  Clock::duration promote_wall_{};
  fs::path log_ = pair_.Dir() / "serve.log";
  std::optional<process::Subprocess> serve_;
  std::string base_;
  std::string key_;
  http::testing::CurlClient client_;
};

TEST_F(FailoverTest, ThePoolWritesOnThePromotedReplicaAndNothingItHadReceivedIsLost) {
  pair_.StartPrimaryAndReplica();
  ASSERT_FALSE(HasFatalFailure());
  pg::Pool pool(
      {.url = pair_.MultiHostUri(), .max_size = 2, .acquire_timeout = 2s, .connect_timeout = 2s});
  pg::RunInTransaction(pool, {}, [](pg::Transaction& tx) {
    tx.Execute("CREATE TABLE failover_probe (n INT PRIMARY KEY, port INT NOT NULL)");
  });
  constexpr int kBefore = 200;
  for (int n = 0; n < kBefore; ++n) {
    pg::RunInTransaction(pool, {}, [n](pg::Transaction& tx) {
      tx.Execute("INSERT INTO failover_probe VALUES ($1, inet_server_port())", pg::Params(n));
    });
  }
  AwaitReplicaCaughtUp();
  ASSERT_FALSE(HasFatalFailure());

  Writer writer(pool, 1000);  // keeps writing through the crash and the promotion
  ASSERT_TRUE(WaitFor([&] { return writer.Acked().size() >= 20; }));
  const Clock::time_point crashed = Clock::now();
  CrashPrimary();
  ASSERT_FALSE(HasFatalFailure());
  std::this_thread::sleep_for(300ms);  // an outage the writer sees
  const auto promoted = Promote();
  const Clock::time_point promote_returned = Clock::now();
  ASSERT_EQ(promoted.exit_code, 0) << promoted.output;
  EXPECT_NE(promoted.output.find("replica 'replica' promoted in "), std::string::npos)
      << promoted.output;
  EXPECT_TRUE(
      WaitFor([&] { return writer.FirstAckSince(promote_returned).has_value(); }, kResumeBound));
  const auto resumed = writer.FirstAckSince(promote_returned);
  std::this_thread::sleep_for(200ms);
  writer.Stop();
  ASSERT_TRUE(resumed.has_value()) << "unavailable " << writer.Unavailable();
  std::printf(
      "promote: %s (%.3f s wall, nedlia start-up included); writes resumed %.3f s after "
      "promote returned, %.3f s after the crash; %d attempts unavailable, %d in doubt\n",
      promoted.output.substr(0, promoted.output.find('\n')).c_str(), Seconds(promote_wall_),
      Seconds(*resumed - promote_returned), Seconds(*resumed - crashed), writer.Unavailable(),
      writer.InDoubt());

  // Never a generic error: every failure during the outage read as "unavailable".
  EXPECT_EQ(writer.OtherErrors(), "");
  EXPECT_GT(writer.Unavailable(), 0);
  // What the replica had received before the crash (all of the first rows: it had caught up)
  // is on the new primary, and so is every write acknowledged after the promotion, there.
  EXPECT_EQ(CountOnTheNewPrimary("n < " + std::to_string(kBefore)), kBefore);
  int before_crash = 0;
  int lost = 0;
  for (const auto& [n, at] : writer.Acked()) {
    const std::string row = "n = " + std::to_string(n);
    if (at > promote_returned) {
      EXPECT_EQ(CountOnTheNewPrimary(row + " AND port = " + std::to_string(pair_.ReplicaPort())), 1)
          << row;
    } else if (at < crashed) {
      ++before_crash;
      lost += CountOnTheNewPrimary(row) == 0 ? 1 : 0;
    }
  }
  std::printf("asynchronous replica: %d of %d writes acknowledged while it streamed are missing\n",
              lost, before_crash);
}

TEST_F(FailoverTest, PromoteIsIdempotentAndTheOldPrimaryComesBackOnlyAsAStandby) {
  pair_.StartPrimaryAndReplica();
  ASSERT_FALSE(HasFatalFailure());
  CrashPrimary();
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_EQ(Promote().exit_code, 0);

  const auto again = pair_.Nedlia("db replica promote");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("replica 'replica' was promoted already: a primary at "),
            std::string::npos)
      << again.output;
  const auto status = pair_.Nedlia("db replica status");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("replication: none (promoted: no longer a standby)\n"),
            std::string::npos)
      << status.output;
  EXPECT_NE(status.output.find("slot:        none (promoted; nedlia_replica stays on the old "
                               "primary until it is re-cloned)\n"),
            std::string::npos)
      << status.output;

  // Every nedlia command starts the managed cluster on demand: the old primary must refuse.
  const auto restarted = pair_.Nedlia("db start");
  EXPECT_EQ(restarted.exit_code, 1) << restarted.output;
  EXPECT_NE(
      restarted.output.find("nedlia: the managed PostgreSQL in " + pair_.PrimaryHome().string() +
                            " must not take writes again: replica 'replica' ("),
      std::string::npos)
      << restarted.output;
  EXPECT_FALSE(fs::exists(pair_.PrimaryHome() / "data" / "postmaster.pid"));
  EXPECT_NE(pair_.Nedlia("db status").output.find("fenced:   replica 'replica' ("),
            std::string::npos);
  // Nor may the promoted replica be dropped like a standby: it may be the primary in use.
  const auto dropped = pair_.Nedlia("db replica drop");
  EXPECT_EQ(dropped.exit_code, 1);
  EXPECT_NE(dropped.output.find("was promoted: it is a primary now"), std::string::npos)
      << dropped.output;

  // The README's re-clone: the old home moved aside, a new standby of the new primary in it.
  fs::rename(pair_.PrimaryHome(), pair_.Dir() / "pg-failed");
  const std::string new_primary = "NEDLIA_PG_DIR=" + ShellQuote(pair_.ReplicaHome().string()) +
                                  " NEDLIA_PG_PORT=" + std::to_string(pair_.ReplicaPort());
  const std::string standby = "standby --dir " + ShellQuote(pair_.PrimaryHome().string()) +
                              " --port " + std::to_string(pair_.PrimaryPort());
  const auto rejoined = pair_.Nedlia("db replica create " + standby, new_primary);
  ASSERT_EQ(rejoined.exit_code, 0) << rejoined.output;
  pair_.Replica().ExecuteScript("CREATE TABLE after_failover (n INT)");
  EXPECT_TRUE(WaitFor([&] {
    return pair_.Primary()
        .Execute("SELECT to_regclass('after_failover') IS NOT NULL")
        .Single()[0]
        .As<bool>();
  }));
  const auto streaming = pair_.Nedlia("db replica status " + standby, new_primary);
  EXPECT_NE(streaming.output.find("replication: streaming\n"), std::string::npos)
      << streaming.output;
}

TEST_F(FailoverTest, PromoteRefusesWhileThePrimaryTakesWritesOrTheReplicaIsDown) {
  const auto none = pair_.Nedlia("db replica promote");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.output,
            "nedlia: there is no replica 'replica' in " + pair_.ReplicaHome().string() + "\n");

  pair_.StartPrimaryAndReplica();
  ASSERT_FALSE(HasFatalFailure());
  const auto split = pair_.Nedlia("db replica promote");
  EXPECT_EQ(split.exit_code, 1);
  EXPECT_EQ(split.output, "nedlia: the managed PostgreSQL in " + pair_.PrimaryHome().string() +
                              " still takes writes; stop it first (`nedlia db stop`): two "
                              "primaries split the data\n");
  EXPECT_TRUE(pair_.Replica().Execute("SELECT pg_is_in_recovery()").Single()[0].As<bool>());

  // The README's zero-loss setting: commits wait for the replica's flush.
  pg::Connection primary = pair_.Primary();
  primary.ExecuteScript("ALTER SYSTEM SET synchronous_standby_names = '*'");
  primary.ExecuteScript("SELECT pg_reload_conf()");
  EXPECT_TRUE(WaitFor([&] {
    return primary.Execute("SELECT sync_state FROM pg_stat_replication")
               .Single()[0]
               .As<std::string>() == "sync";
  }));
  // A planned switchover: a fast shutdown sends the standby all it wrote.
  primary.ExecuteScript("CREATE TABLE switched (n INT); INSERT INTO switched VALUES (1)");
  // As if the replica had been copied after the setting: promoted, it must not wait for a
  // standby of its own.
  pair_.Replica().ExecuteScript("ALTER SYSTEM SET synchronous_standby_names = '*'");
  ASSERT_EQ(pair_.Nedlia("db stop").exit_code, 0);
  ASSERT_EQ(pair_.Nedlia("db replica stop").exit_code, 0);
  const auto stopped = pair_.Nedlia("db replica promote");
  EXPECT_EQ(stopped.exit_code, 1);
  EXPECT_EQ(stopped.output,
            "nedlia: replica 'replica' is not running; start it first (`nedlia db replica start "
            "replica`), then promote it\n");

  ASSERT_EQ(pair_.Nedlia("db replica start").exit_code, 0);
  const auto promoted = Promote();
  EXPECT_EQ(promoted.exit_code, 0) << promoted.output;
  pg::Connection promoted_primary = pair_.Replica();
  EXPECT_EQ(
      promoted_primary.Execute("SELECT count(*) FROM switched").Single()[0].As<std::int64_t>(), 1);
  // A commit waiting for a synchronous standby would wait until cancelled (then commit).
  promoted_primary.ExecuteScript("SET statement_timeout = 5000");
  const Clock::time_point started = Clock::now();
  promoted_primary.ExecuteScript("INSERT INTO switched VALUES (2)");
  EXPECT_LT(Clock::now() - started, 4s);
}

TEST_F(FailoverTest, ServeAnswers503DuringTheOutageAndWritesOnThePromotedReplicaAfter) {
  pair_.StartPrimaryAndReplica();
  ASSERT_FALSE(HasFatalFailure());
  // The key=value form of a multi-host URL.
  base_ = StartServe(pair_.MultiHostKeywords());
  ASSERT_FALSE(base_.empty());
  const auto created = CreateAdvertiser("Before");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string before = nlohmann::json::parse(created.body)["data"]["id"];
  AwaitReplicaCaughtUp();
  ASSERT_FALSE(HasFatalFailure());

  CrashPrimary();
  ASSERT_FALSE(HasFatalFailure());
  for (int i = 0; i < 5; ++i) {
    const auto refused = CreateAdvertiser("During " + std::to_string(i));
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_TRUE(refused.Header("Retry-After").has_value());
  }
  EXPECT_EQ(client_.Get(base_ + "/readyz").status, 503);

  ASSERT_EQ(Promote().exit_code, 0);
  const Clock::time_point promoted = Clock::now();
  long status = 0;
  EXPECT_TRUE(WaitFor(
      [&] {
        status = CreateAdvertiser("After").status;
        EXPECT_TRUE(status == 201 || status == 503) << status;
        return status == 201;
      },
      kResumeBound))
      << status;
  std::printf("serve: writing again %.3f s after promote returned\n",
              Seconds(Clock::now() - promoted));
  const auto read = client_.Send("GET", base_ + "/v1/advertisers/" + before, "",
                                 {"Authorization: Bearer " + key_});
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(client_.Get(base_ + "/readyz").status, 200);
}

}  // namespace
}  // namespace nedlia::testing
