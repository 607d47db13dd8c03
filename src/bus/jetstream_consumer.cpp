#include "bus/jetstream_consumer.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#include "consumers/backoff.hpp"
#include "consumers/replays.hpp"
#include "consumers/subscription_rows.hpp"
#include "pg/transaction.hpp"

namespace nedlia::bus {

/// A fetched message, what it carries, and what becomes of it.
struct JetStreamConsumer::Received {
  natsMsg* message = nullptr;
  std::optional<events::StoredEvent> event;  ///< nullopt: a type this consumer does not read
  int deliveries = 1;                        ///< this delivery included
  Outcome outcome = Outcome::kDone;
  std::chrono::milliseconds retry_in{0};
};

namespace {

std::int64_t Nanoseconds(std::chrono::milliseconds duration) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(duration).count();
}

/// The subject the durable consumer filters on: the one type's subject, or the whole stream
/// (JetStream 2.9 filters on one subject; other types are skipped as they come).
std::string FilterOf(const StreamSettings& settings, const std::vector<std::string>& types) {
  return types.size() == 1 ? settings.SubjectOf(types[0]) : settings.subject_prefix + ".>";
}

int DeliveryCount(natsMsg* message) {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, message) != NATS_OK)
    return 1;
  const int count = static_cast<int>(std::min<std::uint64_t>(meta->NumDelivered, 1'000'000));
  jsMsgMetaData_Destroy(meta);
  return count;
}

}  // namespace

JetStreamConsumer::JetStreamConsumer(pg::Pool& pool, JetStreamConnection& connection,
                                     consumers::ConsumerOptions options,
                                     consumers::EventHandler handler,
                                     std::chrono::milliseconds ack_wait)
    : pool_(pool),
      connection_(connection),
      options_(std::move(options)),
      reading_(consumers::PrepareReading(options_, std::move(handler))),
      ack_wait_(ack_wait) {}

JetStreamConsumer::~JetStreamConsumer() {
  if (subscription_ != nullptr)
    natsSubscription_Destroy(subscription_);  // not Unsubscribe: that deletes the consumer
}

void JetStreamConsumer::Subscribe() {
  if (subscription_ != nullptr)
    return;
  jsCtx* jetstream = connection_.Ready();
  const StreamSettings& settings = connection_.Settings();
  const std::string filter = FilterOf(settings, reading_.types);
  jsErrCode code = static_cast<jsErrCode>(0);
  jsConsumerInfo* info = nullptr;
  natsStatus status = js_GetConsumerInfo(&info, jetstream, settings.stream.c_str(),
                                         options_.name.c_str(), nullptr, &code);
  if (status == NATS_NOT_FOUND || code == JSConsumerNotFoundErr) {
    // Made explicitly, so that it outlives this process (a subscription's own would not).
    jsConsumerConfig config;
    jsConsumerConfig_Init(&config);
    config.Durable = options_.name.c_str();
    config.DeliverPolicy = js_DeliverAll;
    config.AckPolicy = js_AckExplicit;
    config.AckWait = Nanoseconds(ack_wait_);
    config.MaxDeliver = -1;  // dead letters are ours, counted from the deliveries
    config.FilterSubject = filter.c_str();
    code = static_cast<jsErrCode>(0);
    status = js_AddConsumer(&info, jetstream, settings.stream.c_str(), &config, nullptr, &code);
    if (status == NATS_OK)
      spdlog::info("created the JetStream consumer {} on {}", options_.name, filter);
  }
  if (info != nullptr)
    jsConsumerInfo_Destroy(info);
  if (status != NATS_OK) {
    throw consumers::Unavailable("cannot find or create the JetStream consumer " + options_.name +
                                 ": " + DescribeNatsError(status, code));
  }
  jsSubOptions bind;
  jsSubOptions_Init(&bind);
  bind.Stream = settings.stream.c_str();
  bind.Consumer = options_.name.c_str();
  code = static_cast<jsErrCode>(0);
  status = js_PullSubscribe(&subscription_, jetstream, filter.c_str(), options_.name.c_str(),
                            nullptr, &bind, &code);
  if (status != NATS_OK) {
    subscription_ = nullptr;
    throw consumers::Unavailable("cannot subscribe to the JetStream consumer " + options_.name +
                                 ": " + DescribeNatsError(status, code));
  }
}

std::vector<JetStreamConsumer::Received> JetStreamConsumer::Decode(
    const std::vector<natsMsg*>& messages) {
  std::vector<Received> batch;
  batch.reserve(messages.size());
  for (natsMsg* message : messages) {
    Received received{.message = message, .deliveries = DeliveryCount(message)};
    try {
      const std::string_view text(natsMsg_GetData(message),
                                  static_cast<std::size_t>(natsMsg_GetDataLength(message)));
      events::StoredEvent event =
          events::StoredEvent::FromCloudEvent(events::ParseStructured(text));
      if (std::binary_search(reading_.types.begin(), reading_.types.end(), event.type))
        received.event = std::move(event);
    } catch (const std::exception& error) {
      // Not an event: no retry can help, and without an id it cannot be a dead letter.
      spdlog::error("consumer {}: dropping a message on {} that is not a CloudEvent: {}",
                    options_.name, natsMsg_GetSubject(message), error.what());
      natsMsg_Term(message, nullptr);
      continue;
    }
    batch.push_back(std::move(received));
  }
  return batch;
}

void JetStreamConsumer::HandleAll(std::vector<Received>& batch) {
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    pg::Connection& connection = tx.Conn();
    consumers::SubscriptionRows rows(connection);
    for (Received& received : batch) {
      received.outcome = Outcome::kDone;
      if (!received.event)
        continue;
      const events::StoredEvent& event = *received.event;
      try {
        connection.Defer("SAVEPOINT nedlia_event");
        if (rows.Claim(options_.name, event.id))  // else: handled before, a redelivery
          reading_.handle(event, connection);
        connection.Defer("RELEASE SAVEPOINT nedlia_event");
      } catch (const consumers::Unavailable&) {
        throw;
      } catch (const std::exception& error) {
        consumers::RollBackToSavepoint(connection);
        if (received.deliveries >= options_.max_attempts) {
          spdlog::error("consumer {}: event {} ({}) failed {} times, now a dead letter: {}",
                        options_.name, event.id.ToString(), event.type, received.deliveries,
                        error.what());
          rows.DeadLetter(options_.name, event, received.deliveries, error.what());
          continue;
        }
        received.outcome = Outcome::kRetry;
        received.retry_in = consumers::RetryDelay(options_, received.deliveries);
        spdlog::warn("consumer {}: event {} ({}) failed, attempt {} of {}: {}", options_.name,
                     event.id.ToString(), event.type, received.deliveries, options_.max_attempts,
                     error.what());
      }
    }
    if (options_.before_commit)
      options_.before_commit(connection);
  });
}

void JetStreamConsumer::Settle(const std::vector<Received>& batch) {
  for (const Received& received : batch) {
    // A lost acknowledgment only means a redelivery, which the processed mark absorbs.
    if (received.outcome == Outcome::kDone) {
      natsMsg_Ack(received.message, nullptr);
    } else {
      natsMsg_NakWithDelay(received.message, received.retry_in.count(), nullptr);
    }
  }
}

int JetStreamConsumer::RunOnce(std::chrono::milliseconds wait) {
  int moved = replays_.RunIfDue(pool_, options_, reading_.handle);
  Subscribe();
  natsMsgList list{};
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus status =
      natsSubscription_Fetch(&list, subscription_, options_.batch_size, wait.count(), &code);
  const std::unique_ptr<natsMsgList, decltype(&natsMsgList_Destroy)> owned(&list,
                                                                           &natsMsgList_Destroy);
  if (status == NATS_TIMEOUT)
    return moved;
  if (status != NATS_OK) {
    throw consumers::Unavailable("cannot fetch from the JetStream consumer " + options_.name +
                                 ": " + DescribeNatsError(status, code));
  }
  std::vector<Received> batch = Decode({list.Msgs, list.Msgs + list.Count});
  try {
    HandleAll(batch);
  } catch (const std::exception& error) {
    // Nothing committed: all of it comes back soon, handled or not.
    spdlog::warn("consumer {}: {}; the batch comes back later", options_.name, error.what());
    for (Received& received : batch) {
      received.outcome = Outcome::kRetry;
      received.retry_in = options_.first_retry;
    }
  }
  Settle(batch);
  return moved + static_cast<int>(batch.size());
}

void JetStreamConsumer::Run(std::stop_token stop, std::chrono::milliseconds wait) {
  while (!stop.stop_requested()) {
    try {
      RunOnce(wait);
    } catch (const consumers::Unavailable& error) {
      spdlog::warn("consumer {}: {}; retrying", options_.name, error.what());
      std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(1000)));
    }
  }
}

}  // namespace nedlia::bus
