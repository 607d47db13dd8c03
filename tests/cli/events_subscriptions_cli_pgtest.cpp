// `nedlia events consumers | dead-letters | replay` against a real consumer and database.
#include <gtest/gtest.h>

#include <algorithm>

#include "consumers/consumer.hpp"
#include "support/delivery_helpers.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class EventsSubscriptionsCliTest : public ::testing::Test {
 protected:
  CommandResult Nedlia(const std::string& arguments) {
    return RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments + " 2>&1");
  }

  std::string Append(const std::string& label) {
    return sql_
        .Execute(
            "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) "
            "VALUES ('com.nedlia.test.happened.v1', 'test', gen_random_uuid(), "
            "jsonb_build_object('label', $1::text)) RETURNING id",
            pg::Params(label))
        .Single()[0]
        .As<std::string>();
  }

  std::int64_t Count(const std::string& query) {
    return sql_.Execute(query).Single()[0].As<std::int64_t>();
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  pg::Pool pool_{{.url = database_.Url(), .max_size = 2}};
  bool broken_ = true;
  std::vector<std::string> handled_;
  consumers::Consumer consumer_{
      pool_,
      {.name = "test-consumer", .types = {"com.nedlia.test.happened.v1"}, .max_attempts = 1},
      [this](const events::StoredEvent& event, pg::Connection&) {
        if (broken_ && event.data["label"] == "poison")
          throw std::runtime_error("cannot digest it");
        handled_.push_back(event.data["label"].get<std::string>());
      }};
};

TEST_F(EventsSubscriptionsCliTest, ADeadLetterIsListedReplayedAndGone) {
  consumer_.Subscribe();
  const std::string poison = Append("poison");
  Append("fine");
  RunUntil(consumer_, [](int moved) { return moved >= 2; });
  EXPECT_EQ(handled_, std::vector<std::string>{"fine"});

  const auto list = Nedlia("events dead-letters list");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find(poison + "\ttest-consumer\tcom.nedlia.test.happened.v1\t1\t"),
            std::string::npos)
      << list.output;
  EXPECT_NE(list.output.find("\tcannot digest it\n"), std::string::npos) << list.output;
  const auto consumers = Nedlia("events consumers");
  EXPECT_NE(consumers.output.find("test-consumer\t4\t2\t"), std::string::npos) << consumers.output;

  const auto vague = Nedlia("events dead-letters replay");
  EXPECT_EQ(vague.exit_code, 1);
  EXPECT_EQ(vague.output,
            "nedlia: name one event id, or say --all (with --consumer to narrow it)\n");
  const auto replay = Nedlia("events dead-letters replay " + poison);
  ASSERT_EQ(replay.exit_code, 0) << replay.output;
  EXPECT_EQ(replay.output,
            "replay requested for 1 dead letter (the consumers pick them up on their next pass)\n");
  broken_ = false;
  RunUntil(consumer_, [this](int) { return handled_.size() >= 2; });
  EXPECT_EQ(handled_, (std::vector<std::string>{"fine", "poison"}));
  EXPECT_EQ(Count("SELECT count(*) FROM event_dead_letters"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events WHERE event_id = '" + poison + "'"), 1);
  EXPECT_EQ(Nedlia("events dead-letters discard " + poison).exit_code, 1);  // none left
}

TEST_F(EventsSubscriptionsCliTest, DiscardDropsThemAndReplayMovesTheConsumerBack) {
  consumer_.Subscribe();
  Append("poison");
  Append("one");
  RunUntil(consumer_, [](int moved) { return moved >= 2; });
  const auto discard = Nedlia("events dead-letters discard --all --consumer test-consumer");
  ASSERT_EQ(discard.exit_code, 0) << discard.output;
  EXPECT_EQ(discard.output, "discarded 1 dead letter\n");
  EXPECT_EQ(Count("SELECT count(*) FROM event_dead_letters"), 0);

  const std::string time =
      sql_.Execute("SELECT to_char(now() - interval '1 hour', 'YYYY-MM-DD\"T\"HH24:MI:SSOF')")
          .Single()[0]
          .As<std::string>();
  broken_ = false;
  const auto rewind = Nedlia("events replay test-consumer --since " + time);
  ASSERT_EQ(rewind.exit_code, 0) << rewind.output;
  RunUntil(consumer_, [this](int) { return handled_.size() >= 3; });
  // Both handled again (in any order: they are different aggregates, so maybe different
  // partitions).
  std::sort(handled_.begin() + 1, handled_.end());
  EXPECT_EQ(handled_, (std::vector<std::string>{"one", "one", "poison"}));

  const auto unknown = Nedlia("events replay nobody --from 1-1");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.output, "nedlia: no consumer nobody (see `nedlia events consumers`)\n");
  const auto bad = Nedlia("events replay test-consumer --from yesterday");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.output,
            "nedlia: --from must be a position such as 7351-1042 (an event's position)\n");
}

}  // namespace
}  // namespace nedlia::testing
