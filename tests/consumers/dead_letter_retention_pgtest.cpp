// Dead letters stay until someone resolves them, however old, while their event can be
// replayed; once the event has left the log (archived) and the last failure is older than the
// event log's retention, they go.
#include <gtest/gtest.h>

#include <optional>

#include "consumers/dead_letter_retention.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class DeadLetterRetentionTest : public ::testing::Test {
 protected:
  /// An event in the log now; returns its id.
  std::string LoggedEvent() {
    return sql_
        .Execute(
            "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) VALUES "
            "('com.nedlia.video.deleted.v1', 'video', gen_random_uuid(), '{}') RETURNING id")
        .Single()[0]
        .As<std::string>();
  }

  /// A dead letter of `consumer` for `event_id` (none: an event the log no longer holds, as
  /// after its archival), last failed `days_ago` days ago.
  void DeadLetter(const std::string& consumer, const std::optional<std::string>& event_id,
                  int days_ago) {
    sql_.Execute(
        "INSERT INTO event_dead_letters (consumer, event_id, event_type, attempts, last_error, "
        "failed_at) VALUES ($1, coalesce($2::uuid, gen_random_uuid()), "
        "'com.nedlia.video.deleted.v1', 5, 'boom', now() - make_interval(days => $3))",
        pg::Params(consumer, event_id, days_ago));
  }

  std::string Left() {
    return sql_
        .Execute(
            "SELECT coalesce(string_agg(consumer, ',' ORDER BY consumer), '') FROM "
            "event_dead_letters")
        .Single()[0]
        .As<std::string>();
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
};

TEST_F(DeadLetterRetentionTest, ADeadLetterWhoseEventLeftTheLogGoesAfterTheRetention) {
  for (const char* consumer : {"a-archived", "b-archived", "c-archived"})
    DeadLetter(consumer, std::nullopt, 731);
  DeadLetter("d-archived-failed-lately", std::nullopt, 100);
  EXPECT_EQ(consumers::CountUnreplayableDeadLetters(sql_, 730), 3);

  EXPECT_EQ(consumers::PurgeUnreplayableDeadLetters(sql_, 730, /*batch=*/2), 3);
  EXPECT_EQ(Left(), "d-archived-failed-lately");
}

TEST_F(DeadLetterRetentionTest, AnUnresolvedDeadLetterWhoseEventIsInTheLogIsKeptHoweverOld) {
  DeadLetter("notifier", LoggedEvent(), 3650);
  DeadLetter("validator", LoggedEvent(), 731);

  EXPECT_EQ(consumers::CountUnreplayableDeadLetters(sql_, 730), 0);
  EXPECT_EQ(consumers::PurgeUnreplayableDeadLetters(sql_, 730), 0);
  EXPECT_EQ(Left(), "notifier,validator");
}

}  // namespace
}  // namespace nedlia::testing
