#pragma once
// A plain loopback TCP client for the HTTP tests that play a hostile or broken client: bytes
// curl would never send, at the pace an attacker chooses. Loopback only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace nedlia::http::testing {

class RawSocket {
 public:
  using Clock = std::chrono::steady_clock;

  /// Connects to 127.0.0.1:`port`; Connected() says whether it worked.
  explicit RawSocket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  RawSocket(RawSocket&& other) noexcept : fd_(other.fd_), connected_(other.connected_) {
    other.fd_ = -1;
  }
  RawSocket& operator=(RawSocket&&) = delete;
  ~RawSocket() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  bool Connected() const { return connected_; }

  /// Sends all of `bytes` within `timeout`; false when the server stopped reading (the send
  /// buffer stayed full) or reset the connection.
  bool Send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + timeout;
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(sent));
        continue;
      }
      if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return false;
      if (!WaitFor(POLLOUT, deadline))
        return false;
    }
    return true;
  }

  /// What arrives until the server closes the connection or `timeout` passes.
  std::string ReadUntilClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + timeout;
    std::string received;
    while (ReadSome(received, deadline) > 0) {
    }
    return received;
  }

  /// What arrives until it contains `marker` (or the connection closes, or `timeout` passes).
  std::string ReadUntil(std::string_view marker,
                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = Clock::now() + timeout;
    std::string received;
    while (received.find(marker) == std::string::npos && ReadSome(received, deadline) > 0) {
    }
    return received;
  }

  /// True when the server closed (or reset) the connection within `timeout`; whatever it sent
  /// before is discarded.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string ignored;
    for (;;) {
      const ssize_t n = ReadSome(ignored, deadline);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != ETIMEDOUT))
        return true;
      if (n < 0)
        return false;
      ignored.clear();
    }
  }

 private:
  bool WaitFor(short events, Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      return false;
    pollfd entry{fd_, events, 0};
    return ::poll(&entry, 1, static_cast<int>(left.count())) > 0;
  }

  // > 0: bytes appended; 0: closed by the server; < 0: errno says (ETIMEDOUT: the deadline).
  ssize_t ReadSome(std::string& into, Clock::time_point deadline) {
    if (!WaitFor(POLLIN, deadline)) {
      errno = ETIMEDOUT;
      return -1;
    }
    char buffer[16384];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0)
      into.append(buffer, static_cast<std::size_t>(n));
    return n;
  }

  int fd_;
  bool connected_ = false;
};

/// How many TCP connections from local port `port` have more than `bytes` waiting in their send
/// queue (/proc/net/tcp): a server writing to clients that do not read.
inline int ConnectionsWithSendQueueOver(std::uint16_t port, unsigned long bytes) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  int count = 0;
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const unsigned long local_port = std::stoul(local.substr(local.find(':') + 1), nullptr, 16);
    const unsigned long send_queue = std::stoul(queues.substr(0, queues.find(':')), nullptr, 16);
    count += local_port == port && send_queue > bytes ? 1 : 0;
  }
  return count;
}

}  // namespace nedlia::http::testing
