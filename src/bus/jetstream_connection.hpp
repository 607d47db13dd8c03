#pragma once

#include <atomic>
#include <chrono>
#include <string>

// The NATS C client's own names for its handles (natsConnection, jsCtx).
struct __natsConnection;  // NOLINT(bugprone-reserved-identifier)
struct __jsCtx;           // NOLINT(bugprone-reserved-identifier)

namespace nedlia::bus {

/// Where events go on NATS: one JetStream stream holding the subjects "<prefix>.<type>".
struct StreamSettings {
  /// e.g. nats://127.0.0.1:4222, or the servers of a cluster separated by commas (the client
  /// connects to any and fails over to the others).
  std::string url;
  std::string stream = "NEDLIA_EVENTS";
  std::string subject_prefix = "nedlia.events";
  /// How long the stream keeps a message (NATS drops older ones): the event log's retention,
  /// so that the stream holds no more than the log it copies. Zero: not managed (a stream
  /// created so keeps messages forever; an existing one is left as it is).
  std::chrono::hours max_age{0};
  /// Copies of the stream a JetStream cluster keeps (1..5); used when the stream is created.
  int replicas = 1;

  /// The subject of a versioned event type: "<prefix>.com.nedlia.placement.created.v2".
  std::string SubjectOf(const std::string& type) const { return subject_prefix + "." + type; }
};

/// A NATS connection with its JetStream context, made on first use. It reconnects by itself
/// forever and may start while the server is down: callers see consumers::Unavailable meanwhile,
/// and their events wait (in the outbox, or in the stream).
class JetStreamConnection {
 public:
  explicit JetStreamConnection(StreamSettings settings);
  JetStreamConnection(const JetStreamConnection&) = delete;
  JetStreamConnection& operator=(const JetStreamConnection&) = delete;
  ~JetStreamConnection();

  const StreamSettings& Settings() const { return settings_; }
  /// Connects if needed and makes sure the stream exists (creating it if absent); throws
  /// consumers::Unavailable when NATS cannot be reached.
  __jsCtx* Ready();
  /// Null until Ready() first succeeded.
  __jsCtx* Context() const { return jetstream_; }
  /// The largest message (payload and headers) the server takes; 0 while not connected.
  std::int64_t MaxPayload() const;
  /// How many asynchronous publishes JetStream refused since the last call.
  int TakePublishFailures() { return publish_failures_.exchange(0); }

 private:
  void Connect();
  void EnsureStream();

  StreamSettings settings_;
  __natsConnection* connection_ = nullptr;
  __jsCtx* jetstream_ = nullptr;
  bool stream_ready_ = false;
  std::atomic<int> publish_failures_{0};
};

/// A NATS status (and JetStream error code, when not 0) as text, with the library's last error.
std::string DescribeNatsError(int status, int jetstream_code = 0);

}  // namespace nedlia::bus
