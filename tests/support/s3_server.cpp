#include "support/s3_server.hpp"

#include <arpa/inet.h>
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

std::filesystem::path Script() {
  return std::filesystem::path(SourceDir()) / "tools/s3/node_modules/s3rver/bin/s3rver.js";
}

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

bool S3Server::Installed() {
  return std::filesystem::exists(Script());
}

S3Server::S3Server() : port_(FreeLoopbackPort()) {
  data_ = std::filesystem::temp_directory_path() / ("nedlia-s3-" + std::to_string(port_));
  std::filesystem::remove_all(data_);
  std::filesystem::create_directories(data_);
  Start();
}

S3Server::~S3Server() {
  Stop();
  std::filesystem::remove_all(data_);
}

void S3Server::Start() {
  server_.emplace(process::Subprocess::Start(
      {"node", Script().string(), "-d", data_.string(), "-a", "127.0.0.1", "-p",
       std::to_string(port_), "--configure-bucket", kBucket, "--silent"},
      {.output = process::Output::kDiscard}));
  if (WaitFor([this] { return Accepts(port_); }, std::chrono::seconds(30)))
    return;
  throw std::runtime_error("s3rver did not start on port " + std::to_string(port_));
}

void S3Server::Stop() {
  if (!server_)
    return;
  kill(server_->Pid(), SIGTERM);
  server_->Wait(std::chrono::seconds(10));
  server_.reset();
}

}  // namespace nedlia::testing
