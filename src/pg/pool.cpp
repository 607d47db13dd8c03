#include "pg/pool.hpp"

#include <algorithm>
#include <utility>

#include "pg/errors.hpp"
#include "process/fiber.hpp"

namespace nedlia::pg {

PooledConnection::PooledConnection(PooledConnection&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {
  other.connection_.reset();
}

PooledConnection::~PooledConnection() {
  if (connection_)
    pool_->Release(std::move(*connection_));
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {
  StatementTimeouts();  // listed at zero from the start, before the first timeout
}

Pool::~Pool() {
  Close();
}

PooledConnection Pool::Acquire() {
  return Acquire(std::chrono::steady_clock::time_point::max());
}

PooledConnection Pool::Acquire(std::chrono::steady_clock::time_point not_after) {
  try {
    process::LeaveEventLoop();  // a fiber on an event loop must not block it
  } catch (const process::NoBlockingThread& error) {
    throw PoolExhausted(error.what());
  }
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = std::min(started + options_.acquire_timeout, not_after);
  const auto lent = [this, started](PooledConnection connection) {
    wait_seconds_.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return connection;
  };
  for (;;) {
    std::optional<Connection> idle = TakeIdleOrReserve(started, deadline);
    if (!idle)
      return lent(Connect());
    // Outside the lock: the check is a system call, and every worker goes through this lock.
    if (idle->IsAlive() && Fits(*idle))
      return lent(PooledConnection(*this, std::move(*idle)));
    Forget();  // the server dropped it while idle, or is no longer the primary: a fresh one
  }
}

// Under the lock: an idle connection, or nullopt with a slot reserved for a new one.
std::optional<Connection> Pool::TakeIdleOrReserve(std::chrono::steady_clock::time_point started,
                                                  std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (closed_)
      throw PoolExhausted("the connection pool is closed");
    if (!idle_.empty()) {
      Connection connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    if (open_ < options_.max_size) {
      ++open_;
      return std::nullopt;
    }
    ++waiting_;
    const std::cv_status waited_out = available_.wait_until(lock, deadline);
    --waiting_;
    if (waited_out == std::cv_status::timeout && idle_.empty() && open_ >= options_.max_size) {
      const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - started);
      throw PoolExhausted("no database connection became free within " +
                          std::to_string(waited.count()) + " ms");
    }
  }
}

// In a slot already reserved, without holding the lock.
PooledConnection Pool::Connect() {
  try {
    return PooledConnection(*this, OpenAsPool(options_));
  } catch (...) {
    Forget();
    throw;
  }
}

Connection OpenAsPool(const PoolOptions& options) {
  Connection connection = Connection::Open(options.url, options.connect_timeout, options.target);
  // Only when the URL itself asks for any server (target_session_attrs=any): libpq refuses the
  // others.
  if (options.target == TargetSession::kReadWrite && connection.ServerIsReadOnly()) {
    throw ReadOnlyServer(
        ClientError("connected to a server that takes no writes (a standby, or set read-only) "
                    "where the primary was wanted"));
  }
  if (options.statement_timeout.count() > 0) {
    connection.Execute("SELECT set_config('statement_timeout', $1, false)",
                       Params(std::to_string(options.statement_timeout.count())));
  }
  return connection;
}

bool Pool::Fits(const Connection& connection) const {
  return options_.target == TargetSession::kAny || !connection.ServerIsReadOnly();
}

void Pool::Forget() {
  {
    const std::lock_guard lock(mutex_);
    --open_;
  }
  available_.notify_one();
}

void Pool::Release(Connection connection) {
  const bool reusable = connection.IsOpen() && !connection.InTransaction() &&
                        !connection.HasDeferred() && !connection.WasCancelled() && Fits(connection);
  {
    const std::lock_guard lock(mutex_);
    if (reusable && !closed_) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  // After unlocking: a waiter woken under the lock would only block on it again.
  available_.notify_one();
}

void Pool::Close() {
  std::vector<Connection> closing;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    open_ -= idle_.size();
    closing.swap(idle_);
  }
  available_.notify_all();
}

std::size_t Pool::OpenCount() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t Pool::IdleCount() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

PoolStats Pool::Stats() const {
  std::lock_guard lock(mutex_);
  return {.max_size = options_.max_size,
          .open = open_,
          .in_use = open_ - idle_.size(),
          .waiting = waiting_};
}

}  // namespace nedlia::pg
