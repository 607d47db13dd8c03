// `nedlia worker bus-relay` killed with SIGKILL in the middle of its work (a backlog, or events
// streaming from its replication slot), then restarted: every event reaches JetStream exactly
// once, and the relay's committed position counts each once.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "process/subprocess.hpp"
#include "support/nats_server.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;

std::uint64_t StreamMessageCount(const std::string& url) {
  natsConnection* connection = nullptr;
  if (natsConnection_ConnectTo(&connection, url.c_str()) != NATS_OK)
    return 0;
  jsCtx* jetstream = nullptr;
  natsConnection_JetStream(&jetstream, connection, nullptr);
  std::uint64_t count = 0;
  jsStreamInfo* info = nullptr;
  if (js_GetStreamInfo(&info, jetstream, "NEDLIA_EVENTS", nullptr, nullptr) == NATS_OK) {
    count = info->State.Msgs;
    jsStreamInfo_Destroy(info);
  }
  jsCtx_Destroy(jetstream);
  natsConnection_Destroy(connection);
  return count;
}

class WorkerCrashTest : public ::testing::Test {
 protected:
  process::Subprocess StartWorker() {
    process::RunOptions options;
    options.environment = {{"NEDLIA_DATABASE_URL", database_.Url()},
                           {"NEDLIA_NATS_URL", nats_.Url()},
                           {"NEDLIA_LOG_LEVEL", "warn"}};
    options.output = process::Output::kDiscard;
    return process::Subprocess::Start({NedliaBinary(), "worker", "bus-relay"}, options);
  }

  /// Events the relay moved past in committed batches (it keeps no processed marks: JetStream
  /// deduplicates by message id).
  std::int64_t Processed() {
    return sql_
        .Execute(
            "SELECT coalesce(sum(handled_count), 0)::int8 FROM event_subscriptions "
            "WHERE consumer = 'bus-relay'")
        .Single()[0]
        .As<std::int64_t>();
  }

  NatsServer nats_;
  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
};

TEST_F(WorkerCrashTest, KilledMidBatchThenRestartedLosesAndDuplicatesNothing) {
  constexpr std::int64_t kEvents = 25000;  // two and a half of the relay's batches
  sql_.Execute(R"sql(
      INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
      SELECT 'com.nedlia.video.deleted.v1', 'video', v,
             jsonb_build_object('video_id', v, 'deleted_by', v),
             jsonb_build_object('specversion', '1.0', 'source', '/videos')
      FROM (SELECT gen_random_uuid() AS v FROM generate_series(1, $1)) AS videos)sql",
               pg::Params(kEvents));

  {
    process::Subprocess worker = StartWorker();
    WaitFor([&] { return Processed() > 0; }, 60s);
    kill(worker.Pid(), SIGKILL);  // in the middle: some batches committed, one in flight
    worker.Wait(10s);
  }
  const std::int64_t before_restart = Processed();
  ASSERT_GT(before_restart, 0);
  ASSERT_LT(before_restart, kEvents) << "the worker finished before it could be killed";

  process::Subprocess worker = StartWorker();
  WaitFor([&] { return Processed() >= kEvents; }, 120s);
  kill(worker.Pid(), SIGTERM);
  const auto stopped = worker.Wait(30s);
  EXPECT_EQ(stopped.exit_code, 0);

  EXPECT_EQ(Processed(), kEvents);
  EXPECT_EQ(StreamMessageCount(nats_.Url()), static_cast<std::uint64_t>(kEvents));
  EXPECT_EQ(sql_.Execute("SELECT count(*) FROM event_dead_letters").Single()[0].As<std::int64_t>(),
            0);
}

TEST_F(WorkerCrashTest, KilledWhileEventsStreamFromItsSlotThenRestartedLosesAndDuplicatesNothing) {
  // One event per transaction, written all along: the worker's sequencer is numbering commits
  // from its replication slot when it dies, with some numbered and not yet confirmed.
  std::atomic<bool> writing = true;
  std::thread writer([&] {
    pg::Connection connection = database_.Connect();
    while (writing) {
      connection.Execute(R"sql(
          INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
          SELECT 'com.nedlia.video.deleted.v1', 'video', v,
                 jsonb_build_object('video_id', v, 'deleted_by', v),
                 jsonb_build_object('specversion', '1.0', 'source', '/videos')
          FROM gen_random_uuid() AS v)sql");
      std::this_thread::sleep_for(1ms);  // not synchronisation: the load's pace
    }
  });
  {
    process::Subprocess worker = StartWorker();
    WaitFor([&] { return Processed() >= 500; }, 60s);
    kill(worker.Pid(), SIGKILL);
    worker.Wait(10s);
  }
  ASSERT_GE(Processed(), 500) << "the worker never got going";
  process::Subprocess worker = StartWorker();
  const std::int64_t before_restart = Processed();
  WaitFor([&] { return Processed() >= before_restart + 500; }, 60s);
  writing = false;
  writer.join();
  const auto events = sql_.Execute("SELECT count(*) FROM event_log").Single()[0].As<std::int64_t>();
  WaitFor([&] { return Processed() >= events; }, 120s);
  kill(worker.Pid(), SIGTERM);
  EXPECT_EQ(worker.Wait(30s).exit_code, 0);

  EXPECT_EQ(Processed(), events);
  EXPECT_EQ(StreamMessageCount(nats_.Url()), static_cast<std::uint64_t>(events));
  EXPECT_EQ(sql_.Execute("SELECT reader FROM event_sequencing").Single()[0].As<std::string>(),
            "commit")
      << "numbered from the slot, not by the readers";
  EXPECT_EQ(sql_.Execute("SELECT count(*) FROM event_commits").Single()[0].As<std::int64_t>(),
            events)
      << "each transaction numbered once";
}

}  // namespace
}  // namespace nedlia::testing
