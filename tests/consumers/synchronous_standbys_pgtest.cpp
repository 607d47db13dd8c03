// Consumers and a synchronous standby: an event whose commit the standby may not hold (the
// commit's wait for it was cancelled, so the primary alone has it) is handed over only once the
// standby has it, so that nothing done outside the database rests on a commit a failover would
// take away. A managed primary and replica of this test's own.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "consumers/consumer.hpp"
#include "pg/pool.hpp"
#include "support/delivery_helpers.hpp"
#include "support/managed_pair.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kType = "com.nedlia.test.happened.v1";

std::string Append(pg::Connection& connection, const std::string& label) {
  return connection
      .Execute(
          "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata) "
          "VALUES ($1, 'test', gen_random_uuid(), jsonb_build_object('label', $2::text), "
          "'{\"source\": \"/tests\"}') RETURNING id",
          pg::Params(kType, label))
      .Single()[0]
      .As<std::string>();
}

TEST(SynchronousStandbysTest, AnEventOnThePrimaryAloneIsHandedOverOnceTheStandbyHasIt) {
  ManagedPair pair("sync_standby_consumer");
  pair.StartPrimaryAndReplica();
  ASSERT_FALSE(HasFatalFailure());
  pg::Connection primary = pair.Primary();
  primary.ExecuteScript("ALTER SYSTEM SET synchronous_standby_names = '*'");
  primary.ExecuteScript("SELECT pg_reload_conf()");
  ASSERT_TRUE(WaitFor([&] {
    const auto state = primary.Execute("SELECT sync_state FROM pg_stat_replication");
    return state.RowCount() == 1 && state.Single()[0].As<std::string>() == "sync";
  }));

  pg::Pool pool({.url = pair.MultiHostUri(), .max_size = 2});
  std::vector<std::string> handled;
  consumers::Consumer consumer(pool, {.name = "test-consumer", .types = {kType}, .partitions = 1},
                               [&](const events::StoredEvent& event, pg::Connection&) {
                                 handled.push_back(event.id.ToString());
                               });
  consumer.Subscribe();
  const std::string replicated = Append(primary, "replicated");
  RunUntil(consumer, [&](int) { return !handled.empty(); });
  ASSERT_EQ(handled, std::vector<std::string>{replicated});

  // The standby goes away; a commit waits for it until cancelled (what a request's deadline
  // does), and then stands on the primary alone, visible to everyone there. (A statement
  // timeout would not end the wait: PostgreSQL stops its timer before committing.)
  ASSERT_EQ(pair.Nedlia("db replica stop").exit_code, 0);
  pg::Connection writer = pair.Primary();
  const auto writer_pid = writer.Execute("SELECT pg_backend_pid()").Single()[0].As<std::int32_t>();
  std::string alone;
  std::jthread commit([&] { alone = Append(writer, "on the primary alone"); });
  const bool waited = WaitFor([&] {
    return primary
               .Execute(
                   "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 "
                   "AND wait_event = 'SyncRep'",
                   pg::Params(writer_pid))
               .Single()[0]
               .As<std::int64_t>() == 1;
  });
  primary.Execute("SELECT pg_cancel_backend($1)", pg::Params(writer_pid));
  commit.join();
  ASSERT_TRUE(waited) << "the commit never waited for the standby";
  EXPECT_EQ(primary.Execute("SELECT count(*) FROM event_log WHERE id = $1", pg::Params(alone))
                .Single()[0]
                .As<std::int64_t>(),
            1);
  // A pass gives up after its patience (2 s), having handed nothing over. Handing the event over
  // would have left the pass waiting in its own commit for the standby.
  std::atomic<bool> pass_ended = false;
  int moved = -1;
  std::jthread pass([&] {
    moved = consumer.RunOnce();
    pass_ended = true;
  });
  const bool gave_up = WaitFor([&] { return pass_ended.load(); }, 15s);
  EXPECT_TRUE(gave_up) << "the pass handed the event over and waits for the standby to commit";
  ASSERT_EQ(pair.Nedlia("db replica start").exit_code, 0);
  pass.join();
  EXPECT_EQ(moved, 0);
  EXPECT_EQ(handled.size(), 1U);

  RunUntil(
      consumer, [&](int) { return handled.size() >= 2; }, 60s);
  EXPECT_EQ(handled, (std::vector<std::string>{replicated, alone}));
}

}  // namespace
}  // namespace nedlia::testing
