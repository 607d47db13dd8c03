#include "bus/jetstream_connection.hpp"

#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "consumers/consumer_options.hpp"

namespace nedlia::bus {
namespace {

void CountFailure(jsCtx*, jsPubAckErr* failure, void* closure) {
  static_cast<std::atomic<int>*>(closure)->fetch_add(1);
  spdlog::debug("JetStream refused a message: {}", failure->ErrText ? failure->ErrText : "");
}

std::int64_t MaxAgeNanoseconds(const StreamSettings& settings) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(settings.max_age).count();
}

natsStatus CreateStream(jsCtx* jetstream, const StreamSettings& settings, jsErrCode& code) {
  const std::string subjects = settings.subject_prefix + ".>";
  const char* subject_list[] = {subjects.c_str()};
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = settings.stream.c_str();
  config.Subjects = subject_list;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.MaxAge = MaxAgeNanoseconds(settings);
  config.Replicas = settings.replicas;
  code = static_cast<jsErrCode>(0);
  jsStreamInfo* info = nullptr;
  natsStatus status = js_AddStream(&info, jetstream, &config, nullptr, &code);
  if (status == NATS_OK) {
    spdlog::info("created the JetStream stream {} ({})", settings.stream, subjects);
  } else if (code == JSStreamNameExistErr) {  // another process made it meanwhile
    status = NATS_OK;
  }
  if (info != nullptr)
    jsStreamInfo_Destroy(info);
  return status;
}

// A stream made before its age was limited (or with another retention) would otherwise keep
// every event forever, long after the event log archived it.
natsStatus KeepMaxAge(jsCtx* jetstream, const StreamSettings& settings,
                      const jsStreamConfig& current, jsErrCode& code) {
  if (settings.max_age.count() == 0 || current.MaxAge == MaxAgeNanoseconds(settings))
    return NATS_OK;
  jsStreamConfig config = current;
  config.MaxAge = MaxAgeNanoseconds(settings);
  code = static_cast<jsErrCode>(0);
  jsStreamInfo* info = nullptr;
  const natsStatus status = js_UpdateStream(&info, jetstream, &config, nullptr, &code);
  if (status == NATS_OK) {
    spdlog::info("the JetStream stream {} now keeps messages {} h", settings.stream,
                 settings.max_age.count());
  }
  if (info != nullptr)
    jsStreamInfo_Destroy(info);
  return status;
}

/// The servers of "nats://a:1,nats://b:2": natsOptions_SetURL takes one URL only.
std::vector<std::string> ServersOf(const std::string& url) {
  std::vector<std::string> servers;
  std::size_t begin = 0;
  while (begin <= url.size()) {
    const std::size_t end = std::min(url.find(',', begin), url.size());
    std::string server = url.substr(begin, end - begin);
    std::erase(server, ' ');
    if (!server.empty())
      servers.push_back(std::move(server));
    begin = end + 1;
  }
  return servers;
}

natsStatus SetServers(natsOptions* options, const std::string& url) {
  const std::vector<std::string> servers = ServersOf(url);
  if (servers.size() <= 1)
    return natsOptions_SetURL(options, url.c_str());
  std::vector<const char*> pointers;
  pointers.reserve(servers.size());
  for (const std::string& server : servers)
    pointers.push_back(server.c_str());
  // In the order given: the first is where the relay runs beside, the others its fallbacks.
  natsStatus status =
      natsOptions_SetServers(options, pointers.data(), static_cast<int>(pointers.size()));
  if (status == NATS_OK)
    status = natsOptions_SetNoRandomize(options, true);
  return status;
}

}  // namespace

std::string DescribeNatsError(int status, int jetstream_code) {
  std::string text = natsStatus_GetText(static_cast<natsStatus>(status));
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0')
    text += std::string(": ") + last;
  if (jetstream_code != 0)
    text += " (JetStream error " + std::to_string(jetstream_code) + ")";
  return text;
}

JetStreamConnection::JetStreamConnection(StreamSettings settings)
    : settings_(std::move(settings)) {}

JetStreamConnection::~JetStreamConnection() {
  if (jetstream_ != nullptr)
    jsCtx_Destroy(jetstream_);
  if (connection_ != nullptr) {
    natsConnection_Close(connection_);
    natsConnection_Destroy(connection_);
  }
}

std::int64_t JetStreamConnection::MaxPayload() const {
  return connection_ == nullptr ? 0 : natsConnection_GetMaxPayload(connection_);
}

jsCtx* JetStreamConnection::Ready() {
  Connect();
  EnsureStream();
  return jetstream_;
}

void JetStreamConnection::Connect() {
  if (connection_ != nullptr)
    return;
  natsOptions* options = nullptr;
  natsStatus status = natsOptions_Create(&options);
  const std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> owned(options,
                                                                           &natsOptions_Destroy);
  if (status == NATS_OK)
    status = SetServers(options, settings_.url);
  // Reconnect forever, and start even while the server is down.
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
    throw consumers::Unavailable("cannot connect to NATS at " + settings_.url + ": " +
                                 DescribeNatsError(status));
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.PublishAsync.MaxPending = 4096;
  // A publish waits this long for room among the pending ones before it fails (and the relay's
  // whole batch is sent again): 200 ms by default, too short for a server busy syncing.
  js_options.PublishAsync.StallWait = 5000;
  js_options.PublishAsync.ErrHandler = &CountFailure;
  js_options.PublishAsync.ErrHandlerClosure = &publish_failures_;
  jsCtx* jetstream = nullptr;
  status = natsConnection_JetStream(&jetstream, connection, &js_options);
  if (status != NATS_OK) {
    natsConnection_Destroy(connection);
    throw consumers::Unavailable("cannot use JetStream at " + settings_.url + ": " +
                                 DescribeNatsError(status));
  }
  connection_ = connection;
  jetstream_ = jetstream;
}

void JetStreamConnection::EnsureStream() {
  if (stream_ready_)
    return;
  jsErrCode code = static_cast<jsErrCode>(0);
  jsStreamInfo* info = nullptr;
  natsStatus status = js_GetStreamInfo(&info, jetstream_, settings_.stream.c_str(), nullptr, &code);
  if (status == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
    status = CreateStream(jetstream_, settings_, code);
  } else if (status == NATS_OK) {
    status = KeepMaxAge(jetstream_, settings_, *info->Config, code);
  }
  if (info != nullptr)
    jsStreamInfo_Destroy(info);
  if (status != NATS_OK) {
    throw consumers::Unavailable("cannot find or create the JetStream stream " + settings_.stream +
                                 ": " + DescribeNatsError(status, code));
  }
  stream_ready_ = true;
}

}  // namespace nedlia::bus
