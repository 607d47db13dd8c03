#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "metrics/registry.hpp"
#include "pg/connection.hpp"

namespace nedlia::pg {

struct PoolOptions {
  std::string url;
  std::size_t max_size = 8;  ///< PostgreSQL peaks at a handful of busy connections per core
  std::chrono::milliseconds acquire_timeout{5000};
  std::chrono::seconds connect_timeout{5};
  /// Set on every connection (0: the server's default): bounds the time a request can hold
  /// the database; an overrun raises QueryCanceled.
  std::chrono::milliseconds statement_timeout{0};
  /// kReadWrite (a pool of the primary): connects to the URL's host that takes writes, and
  /// drops a connection whose server became read-only (a standby after a failover, or
  /// default_transaction_read_only) on its return or before lending it. kAny: a replica's.
  TargetSession target = TargetSession::kReadWrite;
};

/// Thrown when no connection became free within PoolOptions::acquire_timeout.
class PoolExhausted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Opens a connection as a pool with `options` does: to a server that options.target accepts
/// (ReadOnlyServer otherwise), with options.statement_timeout set. For connections kept outside
/// a pool.
Connection OpenAsPool(const PoolOptions& options);

class Pool;

/// A pool's state now, for metrics.
struct PoolStats {
  std::size_t max_size = 0;
  std::size_t open = 0;     ///< lent out or idle
  std::size_t in_use = 0;   ///< lent out (or being opened for a borrower)
  std::size_t waiting = 0;  ///< callers of Acquire waiting for a connection
};

/// A connection borrowed from a Pool; returned when destroyed. A connection left broken or
/// inside a transaction, or whose statement was cancelled, is discarded rather than handed to
/// the next caller.
class PooledConnection {
 public:
  PooledConnection(Pool& pool, Connection connection)
      : pool_(&pool), connection_(std::move(connection)) {}
  PooledConnection(PooledConnection&& other) noexcept;
  PooledConnection& operator=(PooledConnection&&) = delete;
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;
  ~PooledConnection();

  Connection& operator*() { return *connection_; }
  Connection* operator->() { return &*connection_; }

 private:
  Pool* pool_;
  std::optional<Connection> connection_;
};

/// A bounded, thread-safe pool. Connections are opened lazily up to max_size; on acquire an
/// idle connection that the server closed (a restart, an idle timeout) is replaced by a new
/// one, so the pool heals by itself after a server restart, and, with a multi-host URL, after a
/// failover: every new connection goes to whichever listed host takes writes then.
class Pool {
 public:
  explicit Pool(PoolOptions options);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;
  ~Pool();

  /// Waits up to acquire_timeout for a connection; throws PoolExhausted or ConnectionLost.
  PooledConnection Acquire();
  /// The same, waiting no later than `not_after` either.
  PooledConnection Acquire(std::chrono::steady_clock::time_point not_after);
  /// Closes idle connections and makes further Acquire calls fail; borrowed ones close on return.
  void Close();

  const std::string& Url() const { return options_.url; }
  std::size_t OpenCount() const;
  std::size_t IdleCount() const;
  PoolStats Stats() const;
  /// How long each Acquire waited for a connection (opening a new one included), in seconds.
  const metrics::Histogram& WaitSeconds() const { return wait_seconds_; }

 private:
  friend class PooledConnection;
  std::optional<Connection> TakeIdleOrReserve(std::chrono::steady_clock::time_point started,
                                              std::chrono::steady_clock::time_point deadline);
  PooledConnection Connect();
  /// False for a connection to a server that became read-only when the pool wants writes.
  bool Fits(const Connection& connection) const;
  /// Gives back the slot of a connection that is gone.
  void Forget();
  void Release(Connection connection);

  PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Connection> idle_;
  std::size_t open_ = 0;
  std::size_t waiting_ = 0;
  bool closed_ = false;
  metrics::Histogram wait_seconds_{metrics::LatencyBounds()};
};

}  // namespace nedlia::pg
