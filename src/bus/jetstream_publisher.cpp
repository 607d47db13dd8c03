#include "bus/jetstream_publisher.hpp"

#include <nats/nats.h>

#include "consumers/consumer_options.hpp"

namespace nedlia::bus {

namespace {

/// The size of a message as NATS counts it against its maximum: the payload and the header
/// block ("NATS/1.0\r\n", "Name: value\r\n" per header, "\r\n").
std::size_t WireSize(const std::string& message_id, const std::string& content_type,
                     const std::string& payload) {
  constexpr std::size_t kFraming = sizeof("NATS/1.0\r\n") - 1 + 2;
  constexpr std::size_t kPerHeader = 4;  // ": " and "\r\n"
  return payload.size() + kFraming + sizeof("Nats-Msg-Id") - 1 + kPerHeader + message_id.size() +
         sizeof("Content-Type") - 1 + kPerHeader + content_type.size();
}

}  // namespace

void JetStreamPublisher::Publish(const std::string& subject, const std::string& message_id,
                                 const std::string& content_type, const std::string& payload) {
  jsCtx* jetstream = connection_.Ready();
  const std::int64_t limit = connection_.MaxPayload();
  const std::size_t size = WireSize(message_id, content_type, payload);
  if (limit > 0 && size > static_cast<std::size_t>(limit)) {
    throw consumers::Undeliverable("the event is " + std::to_string(size) +
                                   " bytes with its headers; NATS takes at most " +
                                   std::to_string(limit) + " (max_payload)");
  }
  natsMsg* message = nullptr;
  natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, payload.data(),
                                     static_cast<int>(payload.size()));
  if (status == NATS_OK)
    status = natsMsgHeader_Set(message, "Nats-Msg-Id", message_id.c_str());
  if (status == NATS_OK)
    status = natsMsgHeader_Set(message, "Content-Type", content_type.c_str());
  if (status == NATS_OK)
    status = js_PublishMsgAsync(jetstream, &message, nullptr);  // takes the message on success
  if (message != nullptr)
    natsMsg_Destroy(message);
  if (status == NATS_MAX_PAYLOAD)
    throw consumers::Undeliverable("NATS refused the event's size: " + DescribeNatsError(status));
  if (status != NATS_OK)
    throw consumers::Unavailable("cannot publish to NATS: " + DescribeNatsError(status));
}

void JetStreamPublisher::WaitForAcks(std::chrono::milliseconds timeout) {
  jsCtx* jetstream = connection_.Context();
  if (jetstream == nullptr)
    return;
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MaxWait = timeout.count();
  const natsStatus status = js_PublishAsyncComplete(jetstream, &options);
  const int failed = connection_.TakePublishFailures();
  if (status != NATS_OK) {
    // Forget what is still pending: the batch is sent again, deduplicated by message id.
    natsMsgList pending{};
    if (js_PublishAsyncGetPendingList(&pending, jetstream) == NATS_OK)
      natsMsgList_Destroy(&pending);
    throw consumers::Unavailable("NATS did not acknowledge the events: " +
                                 DescribeNatsError(status));
  }
  if (failed > 0) {
    throw consumers::Unavailable("JetStream refused " + std::to_string(failed) +
                                 " event(s); see the debug log");
  }
}

}  // namespace nedlia::bus
