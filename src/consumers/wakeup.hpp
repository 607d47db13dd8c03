#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "events/commit_signal.hpp"
#include "pg/connection.hpp"

namespace nedlia::consumers {

/// Waits for new events: LISTEN on the channel of events numbered in commit order (or another)
/// over a connection of its own, with a time limit that doubles as the polling fallback.
/// Interrupt() ends a wait from any thread.
class Wakeup {
 public:
  explicit Wakeup(std::string database_url, const char* channel = events::kNumberedChannel);
  Wakeup(const Wakeup&) = delete;
  Wakeup& operator=(const Wakeup&) = delete;
  ~Wakeup();

  /// True when a notification arrived, false after `timeout` or an interruption. A lost
  /// connection is reopened on the next call (meanwhile it just waits out the timeout).
  bool Wait(std::chrono::milliseconds timeout);
  void Interrupt();
  /// Stops listening until the next Wait, closing the connection: a listener that stays
  /// connected without waiting leaves notifications queued on the server.
  void Close() { connection_.reset(); }

 private:
  bool Listening();

  std::string url_;
  const char* channel_;
  std::optional<pg::Connection> connection_;
  int interrupt_fd_ = -1;  ///< an eventfd
};

}  // namespace nedlia::consumers
