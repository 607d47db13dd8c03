#include "bus/jetstream_publisher.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "delivery/consumer.hpp"

namespace nedlia::bus {
namespace {

std::string Describe(natsStatus status, jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string text = natsStatus_GetText(status);
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0')
    text += std::string(": ") + last;
  if (code != 0)
    text += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  return text;
}

void CountFailure(jsCtx*, jsPubAckErr* failure, void* closure) {
  auto* failed = static_cast<std::atomic<int>*>(closure);
  failed->fetch_add(1);
  spdlog::debug("JetStream refused a message: {}", failure->ErrText ? failure->ErrText : "");
}

}  // namespace

JetStreamPublisher::JetStreamPublisher(StreamSettings settings) : settings_(std::move(settings)) {}

JetStreamPublisher::~JetStreamPublisher() {
  if (jetstream_ != nullptr)
    jsCtx_Destroy(jetstream_);
  if (connection_ != nullptr) {
    natsConnection_Close(connection_);
    natsConnection_Destroy(connection_);
  }
}

void JetStreamPublisher::Connect() {
  if (connection_ != nullptr)
    return;
  natsOptions* options = nullptr;
  natsStatus status = natsOptions_Create(&options);
  const std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> owned(options,
                                                                           &natsOptions_Destroy);
  if (status == NATS_OK)
    status = natsOptions_SetURL(options, settings_.url.c_str());
  // Reconnect forever, and start even while the server is down: the outbox waits meanwhile.
  if (status == NATS_OK)
    status = natsOptions_SetMaxReconnect(options, -1);
  if (status == NATS_OK)
    status = natsOptions_SetReconnectWait(options, 250);
  if (status == NATS_OK)
    status = natsOptions_SetRetryOnFailedConnect(options, true, nullptr, nullptr);
  natsConnection* connection = nullptr;
  if (status == NATS_OK)
    status = natsConnection_Connect(&connection, options);
  if (status != NATS_OK && status != NATS_NOT_YET_CONNECTED) {
    throw delivery::Unavailable("cannot connect to NATS at " + settings_.url + ": " +
                                Describe(status));
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.PublishAsync.MaxPending = 4096;
  js_options.PublishAsync.ErrHandler = &CountFailure;
  js_options.PublishAsync.ErrHandlerClosure = &failed_;
  jsCtx* jetstream = nullptr;
  status = natsConnection_JetStream(&jetstream, connection, &js_options);
  if (status != NATS_OK) {
    natsConnection_Destroy(connection);
    throw delivery::Unavailable("cannot use JetStream at " + settings_.url + ": " +
                                Describe(status));
  }
  connection_ = connection;
  jetstream_ = jetstream;
}

void JetStreamPublisher::EnsureStream() {
  if (stream_ready_)
    return;
  jsErrCode code = static_cast<jsErrCode>(0);
  jsStreamInfo* info = nullptr;
  natsStatus status = js_GetStreamInfo(&info, jetstream_, settings_.stream.c_str(), nullptr, &code);
  if (status == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
    const std::string subjects = settings_.subject_prefix + ".>";
    const char* subject_list[] = {subjects.c_str()};
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = settings_.stream.c_str();
    config.Subjects = subject_list;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    code = static_cast<jsErrCode>(0);
    status = js_AddStream(&info, jetstream_, &config, nullptr, &code);
    if (status == NATS_OK)
      spdlog::info("created the JetStream stream {} ({})", settings_.stream, subjects);
    else if (code == JSStreamNameExistErr)  // another relay made it meanwhile
      status = NATS_OK;
  }
  if (info != nullptr)
    jsStreamInfo_Destroy(info);
  if (status != NATS_OK) {
    throw delivery::Unavailable("cannot find or create the JetStream stream " + settings_.stream +
                                ": " + Describe(status, code));
  }
  stream_ready_ = true;
}

void JetStreamPublisher::Publish(const std::string& subject, const std::string& message_id,
                                 const std::string& content_type, const std::string& payload) {
  Connect();
  EnsureStream();
  natsMsg* message = nullptr;
  natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, payload.data(),
                                     static_cast<int>(payload.size()));
  if (status == NATS_OK)
    status = natsMsgHeader_Set(message, "Nats-Msg-Id", message_id.c_str());
  if (status == NATS_OK)
    status = natsMsgHeader_Set(message, "Content-Type", content_type.c_str());
  if (status == NATS_OK)
    status = js_PublishMsgAsync(jetstream_, &message, nullptr);  // takes the message on success
  if (message != nullptr)
    natsMsg_Destroy(message);
  if (status != NATS_OK)
    throw delivery::Unavailable("cannot publish to NATS: " + Describe(status));
}

void JetStreamPublisher::WaitForAcks(std::chrono::milliseconds timeout) {
  if (jetstream_ == nullptr)
    return;
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MaxWait = timeout.count();
  const natsStatus status = js_PublishAsyncComplete(jetstream_, &options);
  const int failed = failed_.exchange(0);
  if (status != NATS_OK) {
    // Forget what is still pending: the batch is sent again, deduplicated by message id.
    natsMsgList pending{};
    if (js_PublishAsyncGetPendingList(&pending, jetstream_) == NATS_OK)
      natsMsgList_Destroy(&pending);
    throw delivery::Unavailable("NATS did not acknowledge the events: " + Describe(status));
  }
  if (failed > 0) {
    throw delivery::Unavailable("JetStream refused " + std::to_string(failed) +
                                " event(s); see the debug log");
  }
}

}  // namespace nedlia::bus
