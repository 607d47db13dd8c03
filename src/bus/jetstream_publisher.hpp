#pragma once

#include <atomic>
#include <chrono>
#include <string>

struct __natsConnection;
struct __jsCtx;

namespace nedlia::bus {

/// Where events go on NATS: one JetStream stream holding the subjects "<prefix>.<type>".
struct StreamSettings {
  std::string url;  ///< e.g. nats://127.0.0.1:4222
  std::string stream = "NEDLIA_EVENTS";
  std::string subject_prefix = "nedlia.events";
};

/// Publishes to JetStream asynchronously, each message with a Nats-Msg-Id (the server drops a
/// duplicate within its window, so a batch sent again after a failure is not published twice).
/// Connects lazily and reconnects by itself forever: while NATS is down, WaitForAcks throws
/// delivery::Unavailable and the events stay in the outbox.
class JetStreamPublisher {
 public:
  explicit JetStreamPublisher(StreamSettings settings);
  JetStreamPublisher(const JetStreamPublisher&) = delete;
  JetStreamPublisher& operator=(const JetStreamPublisher&) = delete;
  ~JetStreamPublisher();

  const StreamSettings& Settings() const { return settings_; }
  /// Queues a message; throws delivery::Unavailable when NATS cannot take it.
  void Publish(const std::string& subject, const std::string& message_id,
               const std::string& content_type, const std::string& payload);
  /// Waits until every queued message is acknowledged; throws delivery::Unavailable when one
  /// failed or `timeout` passed.
  void WaitForAcks(std::chrono::milliseconds timeout);

 private:
  void Connect();
  void EnsureStream();

  StreamSettings settings_;
  __natsConnection* connection_ = nullptr;
  __jsCtx* jetstream_ = nullptr;
  bool stream_ready_ = false;
  std::atomic<int> failed_{0};
  std::string last_failure_;
};

}  // namespace nedlia::bus
