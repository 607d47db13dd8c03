// Version migration end to end: the API writes placement.created.v2 and, during v1's migration
// window, its v1 copy in the same transaction; a consumer of v2 handles every creation once,
// upcasting events written as v1, while a consumer of v1 keeps receiving v1.
#include <gtest/gtest.h>

#include <chrono>

#include "consumers/consumer.hpp"
#include "support/api_fixture.hpp"
#include "support/delivery_helpers.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

constexpr const char* kV1 = "com.nedlia.placement.created.v1";
constexpr const char* kV2 = "com.nedlia.placement.created.v2";

class VersionMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string advertiser = api_.NewAdvertiser("acme");
    product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" + advertiser +
                              "', 'Cola') RETURNING id");
    video_ = api_.QueryText(
        "INSERT INTO videos (title, duration, status) VALUES ('Trailer', 600, 'ready') "
        "RETURNING id");
  }

  std::string CreatePlacement(double start, double end) {
    const ApiReply created =
        api_.Call("POST", "/v1/placements",
                  json{{"video_id", video_},
                       {"product_id", product_},
                       {"time_range", {{"start_time", start}, {"end_time", end}}}});
    EXPECT_EQ(created.status, 201) << created.raw;
    return created.Id();
  }

  /// What an older release of the platform wrote: a v1 event and no v2.
  std::string AppendLegacyV1(double start, double end) {
    const std::string placement = "0190a6f2-0000-7000-8000-0000000000aa";
    return api_.QueryText(
        "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata) "
        "VALUES ($1, 'placement', $2, $3::jsonb, $4::jsonb) RETURNING id",
        pg::Params(
            kV1, placement,
            json{{"placement_id", placement},
                 {"video_id", video_},
                 {"product_id", product_},
                 {"time_range", {{"start_time", start}, {"end_time", end}}}}
                .dump(),
            json{{"specversion", "1.0"},
                 {"source", "/placements"},
                 {"dataschema", std::string("http://127.0.0.1:8080/v1/schemas/events/") + kV1}}
                .dump()));
  }

  /// Runs a consumer of `types` (one partition: the log's order across aggregates) until it moved
  /// past `expected` events; returns what it handled.
  std::vector<events::StoredEvent> Consume(const std::string& name, std::vector<std::string> types,
                                           bool upcast, int expected) {
    std::vector<events::StoredEvent> handled;
    consumers::Consumer consumer(
        pool_, {.name = name, .types = std::move(types), .upcast = upcast, .partitions = 1},
        [&](const events::StoredEvent& event, pg::Connection&) { handled.push_back(event); });
    consumer.Subscribe();
    EXPECT_EQ(RunUntil(consumer, [&](int moved) { return moved >= expected; }), expected);
    EXPECT_EQ(consumer.RunOnce(), 0);
    return handled;
  }

  ApiFixture api_;
  pg::Pool pool_{{.url = api_.Database().Url(), .max_size = 2}};
  std::string product_, video_;
};

TEST_F(VersionMigrationTest, DuringTheWindowACreateWritesV2AndItsV1CopyInOneTransaction) {
  const std::string placement = CreatePlacement(12.5, 20.25);
  pg::Connection sql = api_.Sql();
  const pg::Result rows = sql.Execute(
      "SELECT id, event_type, data::text, metadata::text, transaction_id::text FROM event_log "
      "WHERE aggregate_id = $1 ORDER BY position",
      pg::Params(placement));
  ASSERT_EQ(rows.RowCount(), 2);
  EXPECT_EQ(rows[0][1].As<std::string>(), kV2);
  EXPECT_EQ(rows[1][1].As<std::string>(), kV1);
  EXPECT_EQ(rows[0][4].As<std::string>(), rows[1][4].As<std::string>());

  const json v2 = json::parse(rows[0][2].As<std::string>());
  EXPECT_EQ(v2["time_range"], json({{"start_ms", 12500}, {"end_ms", 20250}}));
  EXPECT_EQ(v2["status"], "active");
  const json v2_envelope = json::parse(rows[0][3].As<std::string>());
  EXPECT_FALSE(v2_envelope.contains("deprecated"));
  EXPECT_EQ(v2_envelope["dataschema"],
            std::string("http://127.0.0.1:8080/v1/schemas/events/") + kV2);

  const json v1 = json::parse(rows[1][2].As<std::string>());
  EXPECT_EQ(v1["time_range"], json({{"start_time", 12.5}, {"end_time", 20.25}}));
  EXPECT_FALSE(v1.contains("status"));
  const json v1_envelope = json::parse(rows[1][3].As<std::string>());
  EXPECT_EQ(v1_envelope["deprecated"], true);
  EXPECT_EQ(v1_envelope["deprecationfrom"], "2026-12-01T00:00:00Z");
  EXPECT_EQ(v1_envelope["deprecationsunset"], "2027-06-01T00:00:00Z");
  EXPECT_EQ(v1_envelope["deprecationmigration"], v2_envelope["dataschema"]);
  EXPECT_EQ(v1_envelope["nedliacopyof"], rows[0][0].As<std::string>());
  EXPECT_EQ(v1_envelope["dataschema"],
            std::string("http://127.0.0.1:8080/v1/schemas/events/") + kV1);

  // The feed shows the copy as a CloudEvent carrying its attributes (once it is final: below
  // the oldest transaction running anywhere in the cluster, other tests' included).
  ApiReply feed;
  WaitFor([&] {
    feed = api_.Call("GET", "/v1/events?type=" + std::string(kV1));
    return feed.status != 200 || !feed.body["data"].empty();
  });
  ASSERT_EQ(feed.status, 200) << feed.raw;
  ASSERT_EQ(feed.body["data"].size(), 1U);
  EXPECT_EQ(feed.body["data"][0]["deprecated"], true);
  EXPECT_EQ(feed.body["data"][0]["nedliacopyof"], rows[0][0].As<std::string>());
}

TEST_F(VersionMigrationTest, AConsumerOfV2HandlesEachChangeOnceWhetherItWasWrittenAsV1OrV2) {
  const std::string legacy = AppendLegacyV1(1.5, 2.75);
  const std::string first = CreatePlacement(10, 11);
  const std::string second = CreatePlacement(20, 21.5);

  // 5 events in the log: the legacy v1, then v2 + v1 copy twice.
  const std::vector<events::StoredEvent> handled = Consume("v2-reader", {kV2}, true, 5);
  ASSERT_EQ(handled.size(), 3U);
  for (const events::StoredEvent& event : handled)
    EXPECT_EQ(event.type, kV2);
  EXPECT_EQ(handled[0].id.ToString(), legacy);
  EXPECT_EQ(handled[0].data["time_range"], json({{"start_ms", 1500}, {"end_ms", 2750}}));
  EXPECT_EQ(handled[1].data["placement_id"], first);
  EXPECT_EQ(handled[2].data["placement_id"], second);
  EXPECT_EQ(handled[2].data["time_range"], json({{"start_ms", 20000}, {"end_ms", 21500}}));

  // A consumer still on v1 gets the legacy event and both copies, as v1.
  const std::vector<events::StoredEvent> old = Consume("v1-reader", {kV1}, false, 3);
  ASSERT_EQ(old.size(), 3U);
  EXPECT_EQ(old[1].data["placement_id"], first);
  EXPECT_EQ(old[2].data["time_range"], json({{"start_time", 20.0}, {"end_time", 21.5}}));
  for (const events::StoredEvent& event : old)
    EXPECT_EQ(event.type, kV1);
}

}  // namespace
}  // namespace nedlia::testing
