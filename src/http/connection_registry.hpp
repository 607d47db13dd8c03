#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nedlia::http {

/// What a connection is doing, as far as admission and shutdown care.
enum class ConnectionState {
  kIdle,         ///< waiting for the first byte of a request (new, or kept alive)
  kReadingHead,  ///< receiving a request line and header fields
  kBusy,         ///< receiving a body, running the handler or writing the answer
  kStreaming,    ///< sending a long-lived body (Server-Sent Events)
};

/// The server's open connections: admission at accept (the caps are counted there, not on the
/// connection's own time), eviction of idle connections to admit new ones, and graceful stop.
/// Thread-safe; every call is short and none blocks on a connection. Internal to src/http.
class ConnectionRegistry {
 public:
  struct Limits {
    std::size_t max_connections = 10000;
    std::size_t max_per_address = 0;  ///< 0: no limit per client address
    /// A connection becomes evictable after this long idle: a new one has not had time to
    /// send its request, and evicting it would lose a request its client will not resend.
    std::chrono::milliseconds min_idle_to_evict = std::chrono::seconds(1);
  };
  enum class Verdict { kAdmitted, kServerFull, kAddressFull };
  struct Admission {
    Verdict verdict = Verdict::kAdmitted;
    std::uint64_t id = 0;  ///< when admitted
  };

  /// `on_drained` runs (on the thread that removed the last connection) once stopping has
  /// begun and no connection is left.
  ConnectionRegistry(Limits limits, std::function<void()> on_drained);

  /// Registers a new connection from `address`, idle. At the cap, the connection idle the
  /// longest is evicted to make room (else the one that has been reading its head the
  /// longest, a slow client), if it has been so for min_idle_to_evict: it stops counting at
  /// once and is interrupted.
  Admission Admit(std::string_view address);
  /// How to make connection `id` look at its state now (cancel its socket's pending reads, or
  /// wake its stream); must not block: it posts to the connection's executor.
  void SetInterrupt(std::uint64_t id, std::function<void()> interrupt);
  /// Moves the connection to `state`. False when it must close instead: it was evicted, or the
  /// server is stopping and it would start (or wait for) a new request.
  bool Enter(std::uint64_t id, ConnectionState state);
  /// True while the connection counts: it was neither evicted nor removed.
  bool Admitted(std::uint64_t id) const;
  /// Forgets a closed connection.
  void Remove(std::uint64_t id);
  /// Starts stopping: interrupts every connection that is idle, reading a head or streaming.
  /// Returns how many are open.
  std::size_t BeginStop();
  bool Stopping() const;
  /// Connections that count against the cap.
  std::size_t Count() const;
  /// Connections waiting for a request now.
  std::size_t IdleCount() const;
  /// Connections evicted so far to admit others.
  std::uint64_t Evictions() const;

 private:
  struct Entry {
    std::string address;
    ConnectionState state = ConnectionState::kIdle;
    bool evicted = false;
    std::function<void()> interrupt;
    std::list<std::uint64_t>::iterator queued;    ///< in idle_ or reading_, by state
    std::chrono::steady_clock::time_point since;  ///< entered its state
  };

  void Unqueue(Entry& entry);
  void Queue(std::uint64_t id, Entry& entry);
  bool EvictOne();
  void Uncount(Entry& entry);

  Limits limits_;
  std::function<void()> on_drained_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::unordered_map<std::string, std::size_t> per_address_;
  std::list<std::uint64_t> idle_;     ///< oldest first
  std::list<std::uint64_t> reading_;  ///< oldest first
  std::size_t counted_ = 0;
  std::uint64_t next_id_ = 1;
  std::uint64_t evictions_ = 0;
  bool stopping_ = false;
};

}  // namespace nedlia::http
