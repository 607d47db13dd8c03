#include "support/nats_server.hpp"

#include <nats/nats.h>
#include <signal.h>

#include <chrono>
#include <stdexcept>

namespace nedlia::testing {

NatsServer::NatsServer()
    : server_(
          "nats",
          [](int port, const std::string& dir) {
            return std::vector<std::string>{"nats-server",        "-js", "-a", "127.0.0.1", "-p",
                                            std::to_string(port), "-sd", dir};
          },
          SIGINT) {}

std::vector<StreamMessage> ReadStream(const std::string& url, const std::string& stream) {
  natsConnection* connection = nullptr;
  if (natsConnection_ConnectTo(&connection, url.c_str()) != NATS_OK)
    throw std::runtime_error("cannot connect to " + url);
  jsCtx* jetstream = nullptr;
  natsConnection_JetStream(&jetstream, connection, nullptr);
  std::vector<StreamMessage> messages;
  jsStreamInfo* info = nullptr;
  if (js_GetStreamInfo(&info, jetstream, stream.c_str(), nullptr, nullptr) == NATS_OK) {
    for (std::uint64_t sequence = info->State.FirstSeq; sequence <= info->State.LastSeq;
         ++sequence) {
      natsMsg* message = nullptr;
      if (js_GetMsg(&message, jetstream, stream.c_str(), sequence, nullptr, nullptr) != NATS_OK)
        continue;
      StreamMessage copy{
          .subject = natsMsg_GetSubject(message),
          .data = std::string(natsMsg_GetData(message),
                              static_cast<std::size_t>(natsMsg_GetDataLength(message)))};
      const char* value = nullptr;
      if (natsMsgHeader_Get(message, "Nats-Msg-Id", &value) == NATS_OK)
        copy.message_id = value;
      if (natsMsgHeader_Get(message, "Content-Type", &value) == NATS_OK)
        copy.content_type = value;
      messages.push_back(std::move(copy));
      natsMsg_Destroy(message);
    }
    jsStreamInfo_Destroy(info);
  }
  jsCtx_Destroy(jetstream);
  natsConnection_Destroy(connection);
  return messages;
}

std::chrono::nanoseconds StreamMaxAge(const std::string& url, const std::string& stream) {
  natsConnection* connection = nullptr;
  if (natsConnection_ConnectTo(&connection, url.c_str()) != NATS_OK)
    throw std::runtime_error("cannot connect to " + url);
  jsCtx* jetstream = nullptr;
  natsConnection_JetStream(&jetstream, connection, nullptr);
  jsStreamInfo* info = nullptr;
  const natsStatus status = js_GetStreamInfo(&info, jetstream, stream.c_str(), nullptr, nullptr);
  const std::int64_t max_age = status == NATS_OK ? info->Config->MaxAge : -1;
  if (info != nullptr)
    jsStreamInfo_Destroy(info);
  jsCtx_Destroy(jetstream);
  natsConnection_Destroy(connection);
  if (max_age < 0)
    throw std::runtime_error("no stream " + stream + " at " + url);
  return std::chrono::nanoseconds(max_age);
}

}  // namespace nedlia::testing
