// After a randomized concurrent workload through the API, every committed change has exactly
// one event and every event its change: the change and its CloudEvent commit together or not
// at all, conflicts and stale versions included.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class EventConsistencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sql = api_.Sql();
    const std::string advertiser =
        sql.Execute(
               "INSERT INTO advertisers (name, contact_email) VALUES ('A', 'a@a.example') "
               "RETURNING id")
            .Single()[0]
            .As<std::string>();
    for (int i = 0; i < 3; ++i) {
      products_.push_back(sql.Execute("INSERT INTO products (advertiser_id, name) VALUES ($1, "
                                      "'p') RETURNING id",
                                      pg::Params(advertiser))
                              .Single()[0]
                              .As<std::string>());
    }
    for (int i = 0; i < 2; ++i) {
      videos_.push_back(sql.Execute("INSERT INTO videos (title, duration, status) VALUES ('v', "
                                    "100, 'ready') RETURNING id")
                            .Single()[0]
                            .As<std::string>());
    }
  }

  /// One random operation; records created ids.
  void RandomOperation(std::mt19937& random) {
    const int choice = static_cast<int>(random() % 10);
    std::string id;
    {
      std::lock_guard lock(mutex_);
      if (!created_.empty())
        id = created_[random() % created_.size()];
    }
    if (choice < 5 || id.empty()) {
      const double start = static_cast<double>(random() % 90);
      const auto reply = api_.Call(
          "POST", "/v1/placements",
          json{{"video_id", videos_[random() % videos_.size()]},
               {"product_id", products_[random() % products_.size()]},
               {"time_range", {{"start_time", start}, {"end_time", start + 1 + random() % 9}}}});
      if (reply.status == 201) {
        std::lock_guard lock(mutex_);
        created_.push_back(reply.Id());
      }
      Count(reply.status);
      return;
    }
    const std::string if_match = "If-Match: \"" + std::to_string(1 + random() % 3) + "\"";
    if (choice < 9) {
      const double start = static_cast<double>(random() % 90);
      Count(api_.Call("PATCH", "/v1/placements/" + id,
                      json{{"description", "d" + std::to_string(random() % 4)},
                           {"time_range", {{"start_time", start}, {"end_time", start + 2}}}},
                      {if_match})
                .status);
    } else {
      Count(api_.Call("DELETE", "/v1/placements/" + id, std::nullopt, {if_match}).status);
    }
  }

  void Count(long status) {
    std::lock_guard lock(mutex_);
    ++statuses_[status];
  }

  std::int64_t Scalar(const std::string& sql) {
    return api_.Sql().Execute(sql).Single()[0].As<std::int64_t>();
  }

  ApiFixture api_;
  std::vector<std::string> products_, videos_;
  std::mutex mutex_;
  std::vector<std::string> created_;
  std::map<long, int> statuses_;
};

TEST_F(EventConsistencyTest, EveryCommittedChangeHasExactlyOneEventAndEveryEventItsChange) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      std::mt19937 random(static_cast<unsigned>(t * 7919 + 1));
      for (int i = 0; i < 40; ++i)
        RandomOperation(random);
    });
  }
  for (auto& thread : threads)
    thread.join();
  // The workload must have exercised successes and each kind of refusal.
  for (long status : {201L, 200L, 409L, 412L}) {
    EXPECT_GT(statuses_[status], 0) << "no " << status << " answers";
  }
  EXPECT_EQ(statuses_[500], 0);

  EXPECT_EQ(Scalar("SELECT count(*) FROM placements"), statuses_[201]);
  // One created event per row, and none for anything else.
  EXPECT_EQ(Scalar("SELECT count(*) FROM placements p WHERE (SELECT count(*) FROM event_log e "
                   "WHERE e.aggregate_id = p.id AND e.event_type = "
                   "'com.nedlia.placement.created.v1') <> 1"),
            0);
  // Each committed update or delete bumped the version once and wrote one event.
  EXPECT_EQ(Scalar("SELECT count(*) FROM placements p WHERE p.version - 1 <> (SELECT count(*) "
                   "FROM event_log e WHERE e.aggregate_id = p.id AND e.event_type IN "
                   "('com.nedlia.placement.updated.v1', 'com.nedlia.placement.deleted.v1'))"),
            0);
  // (A PATCH that changes nothing answers 200 without an event, so 200s are an upper bound.)
  EXPECT_LE(Scalar("SELECT count(*) FROM event_log WHERE event_type = "
                   "'com.nedlia.placement.updated.v1'"),
            statuses_[200]);
  // Deleted rows have one deleted event; live rows none.
  EXPECT_EQ(Scalar("SELECT count(*) FROM placements p WHERE (p.deleted_at IS NOT NULL)::int <> "
                   "(SELECT count(*) FROM event_log e WHERE e.aggregate_id = p.id AND "
                   "e.event_type = 'com.nedlia.placement.deleted.v1')"),
            0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM placements WHERE deleted_at IS NOT NULL"), statuses_[204]);
  // No event without its change.
  EXPECT_EQ(Scalar("SELECT count(*) FROM event_log e WHERE NOT EXISTS (SELECT FROM placements "
                   "p WHERE p.id = e.aggregate_id)"),
            0);
}

}  // namespace
}  // namespace nedlia::testing
