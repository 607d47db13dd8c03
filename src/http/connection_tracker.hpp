#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace nedlia::http {

/// The server's open connections and whether each is idle (waiting for its next request),
/// so that a graceful stop can close idle ones at once and wait for busy ones. Thread-safe.
/// Internal to src/http.
class ConnectionTracker {
 public:
  /// Asks connection `id` to close if it is still idle; must not block (it posts to the
  /// connection's executor).
  using CloseIfIdle = std::function<void(std::uint64_t id)>;

  /// `on_drained` runs (on the thread that removed the last connection) once stopping has
  /// begun and no connection is left.
  explicit ConnectionTracker(std::function<void()> on_drained);

  /// Registers a new, busy connection; returns its id.
  std::uint64_t Add(CloseIfIdle close_if_idle);
  /// Forgets a closed connection.
  void Remove(std::uint64_t id);
  /// Marks the connection idle; false once stopping has begun (the connection should close).
  bool MarkIdle(std::uint64_t id);
  /// Marks the connection busy: a request has started.
  void MarkBusy(std::uint64_t id);
  /// True while the connection is registered and idle.
  bool IsIdle(std::uint64_t id) const;
  /// True once BeginStop was called.
  bool Stopping() const;
  /// Starts stopping: every idle connection is asked to close. Returns how many are open.
  std::size_t BeginStop();
  /// How many connections are open.
  std::size_t Count() const;

 private:
  struct Entry {
    CloseIfIdle close_if_idle;
    bool idle = false;
  };

  std::function<void()> on_drained_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
};

}  // namespace nedlia::http
