#include "support/stream_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "support/exchange_log.hpp"

namespace nedlia::testing {

StreamClient::StreamClient(std::uint16_t port, const std::string& request) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(send(fd_, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
}

StreamClient::~StreamClient() {
  ExchangeLog::EventStream(received_);
  close(fd_);
}

const std::string& StreamClient::ReadUntil(const std::string& needle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (received_.find(needle) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd descriptor{.fd = fd_, .events = POLLIN, .revents = 0};
    if (poll(&descriptor, 1, 100) <= 0)
      continue;
    char buffer[4096];
    const ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0)
      break;
    received_.append(buffer, static_cast<std::size_t>(got));
  }
  return received_;
}

}  // namespace nedlia::testing
