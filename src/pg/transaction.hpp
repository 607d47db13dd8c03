#pragma once

#include <chrono>
#include <type_traits>

#include "pg/connection.hpp"
#include "pg/deadline_watchdog.hpp"
#include "pg/errors.hpp"
#include "pg/pool.hpp"

namespace nedlia::pg {

enum class IsolationLevel { kReadCommitted, kRepeatableRead, kSerializable };

struct TransactionOptions {
  IsolationLevel isolation = IsolationLevel::kReadCommitted;
  bool read_only = false;
  int max_attempts = 5;  ///< RunInTransaction gives up after this many retryable failures
  /// false: COMMIT answers before the commit is on disk (and on a synchronous standby), so a
  /// crash may lose it, while other sessions already saw it. Only for transactions whose loss
  /// merely repeats work (bookkeeping of at-least-once deliveries), never for one that writes
  /// an event or a tenant's data.
  bool durable_commit = true;
  /// RunInTransaction waits for a connection until then at most and starts no attempt after
  /// it; with `watchdog`, the statement running when it passes is cancelled (QueryCanceled).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  DeadlineWatchdog* watchdog = nullptr;
};

/// BEGIN on construction (sent with the first statement), ROLLBACK on destruction unless
/// Commit() succeeded.
class Transaction {
 public:
  Transaction(Connection& connection, const TransactionOptions& options);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result Execute(std::string_view sql, const Params& params = Params()) {
    return connection_.Execute(sql, params);
  }
  Result Execute(const Statement& statement, const Params& params = Params()) {
    return connection_.Execute(statement, params);
  }
  Connection& Conn() { return connection_; }

  /// Commits; a connection lost while COMMIT is in flight throws TransactionInDoubt. Nothing
  /// to do after ExecuteAndCommit.
  void Commit();
  /// The transaction's last statement and its COMMIT in one round trip: what it holds (row and
  /// advisory locks) is released as soon as the server has run it, not a round trip later.
  /// Returns the statement's result; a connection lost meanwhile throws TransactionInDoubt.
  Result ExecuteAndCommit(const Statement& statement, const Params& params = Params());
  /// Rolls back now (the destructor does it too).
  void Rollback();

 private:
  /// Runs `send` (which sends COMMIT) and records the outcome: committed, or in doubt when
  /// the link died meanwhile. Defined and used in transaction.cpp only.
  template <class Send>
  Result SendCommit(const Send& send);

  Connection& connection_;
  bool finished_ = false;
  bool committed_ = false;
};

/// Makes the transaction open on `connection` commit durably although it began with
/// durable_commit = false: for the rare path of a bookkeeping transaction that turns out to
/// change data others rely on (an event written).
void RequireDurableCommit(Connection& connection);

namespace detail {
/// Waits before attempt n (1-based): exponential backoff with full jitter, capped at ~200 ms
/// and at the deadline; throws QueryCanceled when the deadline has passed.
void BackoffBeforeRetry(int attempt, std::chrono::steady_clock::time_point deadline);
}  // namespace detail

/// Runs fn(Transaction&) in a transaction on a pooled connection and commits. Serialization
/// failures, deadlocks and a connection lost *before* COMMIT are retried on a fresh attempt:
/// the server rolled everything back, so fn may simply run again. A transaction in doubt (the
/// link died during COMMIT) is never retried, because it may have committed. fn must therefore
/// have no effects outside the database.
template <class Fn>
auto RunInTransaction(Pool& pool, const TransactionOptions& options, Fn&& fn)
    -> std::invoke_result_t<Fn&, Transaction&> {
  for (int attempt = 1;; ++attempt) {
    try {
      PooledConnection connection = pool.Acquire(options.deadline);
      const DeadlineWatchdog::Watch watch(options.watchdog, *connection, options.deadline);
      Transaction transaction(*connection, options);
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, Transaction&>>) {
        fn(transaction);
        transaction.Commit();
        return;
      } else {
        auto result = fn(transaction);
        transaction.Commit();
        return result;
      }
    } catch (const Error& error) {
      if (!error.IsRetryable() || attempt >= options.max_attempts)
        throw;
      detail::BackoffBeforeRetry(attempt, options.deadline);
    }
  }
}

}  // namespace nedlia::pg
