#include "support/loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <utility>

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

LoopbackServer::LoopbackServer(std::string name, Command command, int stop_signal)
    : name_(std::move(name)),
      command_(std::move(command)),
      stop_signal_(stop_signal),
      port_(FreeLoopbackPort()),
      dir_(std::filesystem::temp_directory_path() /
           ("nedlia-" + name_ + "-" + std::to_string(port_))) {
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  Start();
}

LoopbackServer::~LoopbackServer() {
  Stop();
  std::filesystem::remove_all(dir_);
}

void LoopbackServer::Start() {
  server_.emplace(process::Subprocess::Start(command_(port_, dir_.string()),
                                             {.output = process::Output::kDiscard}));
  if (WaitFor([this] { return Accepts(port_); }, std::chrono::seconds(30)))
    return;
  throw std::runtime_error(name_ + " did not start on port " + std::to_string(port_));
}

void LoopbackServer::Stop() {
  if (!server_)
    return;
  kill(server_->Pid(), stop_signal_);
  server_->Wait(std::chrono::seconds(10));
  server_.reset();
}

}  // namespace nedlia::testing
