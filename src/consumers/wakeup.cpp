#include "consumers/wakeup.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>

#include "events/commit_signal.hpp"

namespace nedlia::consumers {
namespace {

/// Reads and frees every notification already received; true if there was one.
bool Drain(PGconn* conn) {
  bool any = false;
  while (PGnotify* notification = PQnotifies(conn)) {
    PQfreemem(notification);
    any = true;
  }
  return any;
}

}  // namespace

Wakeup::Wakeup(std::string database_url, const char* channel)
    : url_(std::move(database_url)), channel_(channel) {
  interrupt_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (interrupt_fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "eventfd");
}

Wakeup::~Wakeup() {
  close(interrupt_fd_);
}

void Wakeup::Interrupt() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = write(interrupt_fd_, &one, sizeof one);
}

bool Wakeup::Listening() {
  if (connection_ && connection_->IsOpen())
    return true;
  try {
    // The primary's: after a failover, the host a multi-host URL lists that takes writes.
    connection_.emplace(
        pg::Connection::Open(url_, std::chrono::seconds(5), pg::TargetSession::kReadWrite));
    connection_->ExecuteScript(std::string("LISTEN ") + channel_);
    return true;
  } catch (const std::exception& error) {
    spdlog::debug("cannot listen for events (polling meanwhile): {}", error.what());
    connection_.reset();
    return false;
  }
}

bool Wakeup::Wait(std::chrono::milliseconds timeout) {
  pollfd descriptors[2] = {{.fd = interrupt_fd_, .events = POLLIN, .revents = 0},
                           {.fd = -1, .events = POLLIN, .revents = 0}};
  if (Listening()) {
    PGconn* conn = connection_->Native();
    if (Drain(conn))
      return true;
    descriptors[1].fd = PQsocket(conn);
  }
  if (poll(descriptors, 2, static_cast<int>(timeout.count())) <= 0)
    return false;
  if (descriptors[0].revents != 0) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto got = read(interrupt_fd_, &count, sizeof count);
    return false;
  }
  PGconn* conn = connection_->Native();
  if (PQconsumeInput(conn) == 0) {  // the server went away: reconnect next time
    connection_.reset();
    return false;
  }
  return Drain(conn);
}

}  // namespace nedlia::consumers
