#pragma once

#include <chrono>
#include <string>

#include "bus/jetstream_connection.hpp"

namespace nedlia::bus {

/// Publishes to JetStream asynchronously, each message with a Nats-Msg-Id (the server drops a
/// duplicate within its window, so a batch sent again after a failure is not published twice).
/// While NATS is down, WaitForAcks throws consumers::Unavailable and the events stay in the
/// outbox.
class JetStreamPublisher {
 public:
  explicit JetStreamPublisher(StreamSettings settings) : connection_(std::move(settings)) {}

  const StreamSettings& Settings() const { return connection_.Settings(); }
  /// Queues a message; throws consumers::Unavailable when NATS cannot take it now, and
  /// consumers::Undeliverable when it never will (larger than the server's max_payload).
  void Publish(const std::string& subject, const std::string& message_id,
               const std::string& content_type, const std::string& payload);
  /// Waits until every queued message is acknowledged; throws consumers::Unavailable when one
  /// failed or `timeout` passed.
  void WaitForAcks(std::chrono::milliseconds timeout);

 private:
  JetStreamConnection connection_;
};

}  // namespace nedlia::bus
