// The bus relay against a real PostgreSQL and a real nats-server -js: every event reaches
// JetStream once, as a CloudEvent, and an outage delays events without losing any.
#include <gtest/gtest.h>

#include "bus/relay.hpp"
#include "consumers/subscription_admin.hpp"
#include "events/cloud_event.hpp"
#include "support/delivery_helpers.hpp"
#include "support/nats_server.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

class RelayTest : public ::testing::Test {
 protected:
  std::string Append() {
    return sql_
        .Execute(R"sql(
          INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
          SELECT 'com.nedlia.video.deleted.v1', 'video', v, jsonb_build_object(
                   'video_id', v, 'deleted_by', gen_random_uuid()),
                 jsonb_build_object('specversion', '1.0', 'source', '/videos',
                                    'subject', v, 'datacontenttype', 'application/json',
                                    'traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
          FROM gen_random_uuid() AS v RETURNING id)sql")
        .Single()[0]
        .As<std::string>();
  }

  /// Passes until `count` events were relayed (or 20 s).
  int Relay(int count) {
    return RunUntil(relay_, [count](int moved) { return moved >= count; });
  }

  std::int64_t Count(const std::string& query) {
    return sql_.Execute(query).Single()[0].As<std::int64_t>();
  }

  NatsServer nats_;
  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  pg::Pool pool_{{.url = database_.Url(), .max_size = 2}};
  bus::JetStreamPublisher publisher_{{.url = nats_.Url()}};
  consumers::Consumer relay_ = bus::MakeRelay(pool_, events::Catalog::Embedded(), publisher_,
                                              std::chrono::milliseconds(1000));
};

TEST_F(RelayTest, EveryEventReachesJetStreamAsACloudEventWithItsIdAsMessageId) {
  relay_.Subscribe();
  const std::vector<std::string> ids = {Append(), Append(), Append()};
  EXPECT_EQ(Relay(3), 3);

  const auto messages = ReadStream(nats_.Url(), "NEDLIA_EVENTS");  // created by the relay
  ASSERT_EQ(messages.size(), 3U);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].subject, "nedlia.events.com.nedlia.video.deleted.v1");
    EXPECT_EQ(messages[i].content_type, "application/cloudevents+json");
    const events::CloudEvent event =
        events::FromStructured(nlohmann::json::parse(messages[i].data));
    EXPECT_EQ(messages[i].message_id, event.id);
    EXPECT_EQ(event.type, "com.nedlia.video.deleted.v1");
    EXPECT_EQ(event.source, "/videos");
    EXPECT_EQ(event.extensions.at("traceparent"),
              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    EXPECT_TRUE(event.data.contains("deleted_by"));
  }
  std::vector<std::string> relayed;
  for (const auto& message : messages)
    relayed.push_back(message.message_id);
  std::sort(relayed.begin(), relayed.end());
  std::vector<std::string> expected = ids;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(relayed, expected);
  // JetStream deduplicates by message id: the relay keeps no processed marks.
  EXPECT_EQ(Count("SELECT count(*) FROM processed_events"), 0);
}

TEST_F(RelayTest, AnEventTooLargeForTheBusIsADeadLetterAndTheOthersFlowOn) {
  relay_.Subscribe();
  // Larger than nats-server's default max_payload (1 MiB): no retry can send it.
  const std::string big = sql_.Execute(R"sql(
          INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
          SELECT 'com.nedlia.product.updated.v1', 'product', gen_random_uuid(),
                 jsonb_build_object('assets', repeat('x', 1100000)),
                 '{"specversion": "1.0", "source": "/products"}'
          RETURNING id)sql")
                              .Single()[0]
                              .As<std::string>();
  const std::string after = Append();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Relay(2), 2);
  // At once, not after the retries of an ordinary failure (0.5 s doubled four times).
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  const std::vector<StreamMessage> messages = ReadStream(nats_.Url(), "NEDLIA_EVENTS");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].message_id, after);
  EXPECT_EQ(
      Count(
          "SELECT count(*) FROM event_dead_letters WHERE consumer = 'bus-relay' AND event_id = '" +
          big + "' AND attempts = 1 AND last_error LIKE '%max_payload%'"),
      1);
}

TEST_F(RelayTest, EventsSentAgainAreNotPublishedTwice) {
  relay_.Subscribe();
  Append();
  Append();
  Relay(2);
  // As if the relay died after publishing and before committing its position.
  consumers::SubscriptionAdmin(sql_).Rewind(bus::kRelayName, {0, 0});
  EXPECT_EQ(Relay(2), 2);
  EXPECT_EQ(ReadStream(nats_.Url(), "NEDLIA_EVENTS").size(), 2U);
}

TEST_F(RelayTest, WhileNatsIsDownEventsWaitAndFlowWhenItIsBack) {
  relay_.Subscribe();
  Append();
  Relay(1);
  nats_.Stop();
  Append();
  Append();
  EXPECT_EQ(relay_.RunOnce(), 0);  // nothing committed, nothing dead
  EXPECT_EQ(Count("SELECT count(*) FROM event_dead_letters"), 0);
  EXPECT_EQ(Count("SELECT sum(handled_count)::int8 FROM event_subscriptions"), 1);

  nats_.Start();
  int moved = 0;
  WaitFor([&] {
    moved += relay_.RunOnce();
    return moved >= 2;
  });
  EXPECT_EQ(moved, 2);
  EXPECT_EQ(ReadStream(nats_.Url(), "NEDLIA_EVENTS").size(), 3U);
  EXPECT_EQ(Count("SELECT count(*) FROM event_dead_letters"), 0);
}

}  // namespace
}  // namespace nedlia::testing
