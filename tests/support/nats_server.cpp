#include "support/nats_server.hpp"

#include <arpa/inet.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

}  // namespace

NatsServer::NatsServer() : port_(FreeLoopbackPort()) {
  store_ = std::filesystem::temp_directory_path() / ("nedlia-nats-" + std::to_string(port_));
  std::filesystem::remove_all(store_);
  std::filesystem::create_directories(store_);
  Start();
}

NatsServer::~NatsServer() {
  Stop();
  std::filesystem::remove_all(store_);
}

void NatsServer::Start() {
  server_.emplace(process::Subprocess::Start({"nats-server", "-js", "-a", "127.0.0.1", "-p",
                                              std::to_string(port_), "-sd", store_.string()},
                                             {.output = process::Output::kDiscard}));
  if (WaitFor([this] { return Accepts(port_); }, std::chrono::seconds(30)))
    return;
  throw std::runtime_error("nats-server did not start on port " + std::to_string(port_));
}

void NatsServer::Stop() {
  if (!server_)
    return;
  kill(server_->Pid(), SIGINT);
  server_->Wait(std::chrono::seconds(10));
  server_.reset();
}

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
