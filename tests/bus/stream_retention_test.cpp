// The JetStream stream keeps events as long as the event log does, not forever: the relay
// creates it with that max age and gives it to a stream made without one. A real nats-server.
#include <gtest/gtest.h>

#include <chrono>

#include "bus/jetstream_publisher.hpp"
#include "support/nats_server.hpp"

namespace nedlia::testing {
namespace {

using std::chrono::hours;

void PublishOne(const bus::StreamSettings& settings, const std::string& id) {
  bus::JetStreamPublisher publisher(settings);
  publisher.Publish(settings.SubjectOf("com.nedlia.video.deleted.v1"), id, "application/json",
                    "{}");
  publisher.WaitForAcks(std::chrono::seconds(10));
}

TEST(StreamRetentionTest, TheStreamIsMadeToKeepMessagesAsLongAsTheEventLog) {
  NatsServer nats;
  PublishOne({.url = nats.Url(), .max_age = hours(24 * 730)}, "a");
  EXPECT_EQ(StreamMaxAge(nats.Url(), "NEDLIA_EVENTS"), hours(24 * 730));
}

TEST(StreamRetentionTest, AStreamMadeWithoutALimitGetsOneAndKeepsItsMessages) {
  NatsServer nats;
  PublishOne({.url = nats.Url()}, "a");  // as a release before the limit made it
  ASSERT_EQ(StreamMaxAge(nats.Url(), "NEDLIA_EVENTS"), std::chrono::nanoseconds(0));

  PublishOne({.url = nats.Url(), .max_age = hours(24 * 31)}, "b");
  EXPECT_EQ(StreamMaxAge(nats.Url(), "NEDLIA_EVENTS"), hours(24 * 31));
  EXPECT_EQ(ReadStream(nats.Url(), "NEDLIA_EVENTS").size(), 2u);
  // A process without the setting (a JetStream consumer) leaves the stream as it is.
  PublishOne({.url = nats.Url()}, "c");
  EXPECT_EQ(StreamMaxAge(nats.Url(), "NEDLIA_EVENTS"), hours(24 * 31));
}

}  // namespace
}  // namespace nedlia::testing
