#pragma once

#include <chrono>
#include <stop_token>
#include <string>
#include <vector>

#include "bus/jetstream_connection.hpp"
#include "consumers/consumer_options.hpp"
#include "consumers/reading.hpp"
#include "consumers/replays.hpp"
#include "pg/pool.hpp"

// The NATS C client's own names for its handles (natsSubscription, natsMsg).
struct __natsSubscription;  // NOLINT(bugprone-reserved-identifier)
struct __natsMsg;           // NOLINT(bugprone-reserved-identifier)

namespace nedlia::bus {

/// A consumer that reads the events from NATS JetStream (what the relay published) instead of
/// from the PostgreSQL log, through a durable pull consumer named after it. Its handler runs
/// exactly as with consumers::Consumer: in a PostgreSQL transaction with the event's processed
/// mark, so a message delivered twice (an acknowledgment lost in a crash, a redelivery after
/// ack_wait) has its effect once. Messages are acknowledged only after that transaction commits.
/// A failed event is redelivered after a backoff (others go on meanwhile) and becomes a dead
/// letter after max_attempts deliveries; its dead letters replay as any consumer's do.
/// Order: the stream's order, which keeps each aggregate's events in log order (the relay
/// publishes them so); a redelivered event comes after those that went on meanwhile.
class JetStreamConsumer {
 public:
  /// `connection` must outlive the consumer. `ack_wait`: how long JetStream waits for an
  /// acknowledgment before delivering a message again (to this or another process).
  JetStreamConsumer(pg::Pool& pool, JetStreamConnection& connection,
                    consumers::ConsumerOptions options, consumers::EventHandler handler,
                    std::chrono::milliseconds ack_wait = std::chrono::seconds(30));
  JetStreamConsumer(const JetStreamConsumer&) = delete;
  JetStreamConsumer& operator=(const JetStreamConsumer&) = delete;
  /// Leaves the durable consumer on the server: the next process resumes where this one was.
  ~JetStreamConsumer();

  const consumers::ConsumerOptions& Options() const { return options_; }
  /// Creates the stream and the durable consumer if missing, and binds to it; throws
  /// consumers::Unavailable while NATS is down.
  void Subscribe();
  /// Fetches what is there (waiting up to `wait` for the first message) and handles it;
  /// returns how many messages it settled (handled, skipped, dead-lettered or put back).
  int RunOnce(std::chrono::milliseconds wait);
  /// Batches until `stop`, retrying the connection while NATS is down.
  void Run(std::stop_token stop, std::chrono::milliseconds wait);

 private:
  enum class Outcome { kDone, kRetry };
  struct Received;

  /// Decodes the fetched messages; those that are not events at all are terminated.
  std::vector<Received> Decode(const std::vector<__natsMsg*>& messages);
  /// Handles them in one transaction; fills each one's outcome.
  void HandleAll(std::vector<Received>& batch);
  void Settle(const std::vector<Received>& batch);

  pg::Pool& pool_;
  JetStreamConnection& connection_;
  consumers::ConsumerOptions options_;
  consumers::Reading reading_;
  std::chrono::milliseconds ack_wait_;
  consumers::ReplayCheck replays_;
  __natsSubscription* subscription_ = nullptr;
};

}  // namespace nedlia::bus
