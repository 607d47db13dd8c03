#include "repositories/pg_database.hpp"

#include <optional>
#include <string>

#include "app/errors.hpp"
#include "pg/errors.hpp"
#include "pg/transaction.hpp"
#include "repositories/pg_transaction.hpp"

namespace nedlia::repositories {
namespace {

/// Reads act for no one: what they may see is the caller's to check.
const app::CallContext kReader{};

/// Database trouble the client can only wait out becomes kUnavailable; the rest propagates.
template <class Fn>
void TranslatingUnavailable(pg::DeadlineWatchdog::Clock::time_point deadline,
                            std::chrono::milliseconds timeout, Fn&& fn) {
  try {
    fn();
  } catch (const pg::ReadOnlyServer&) {
    // A failover under way: the pool has dropped the connection; the next finds the primary.
    throw app::Error(app::ErrorKind::kUnavailable, "the database takes no writes at the moment");
  } catch (const pg::ConnectionLost&) {
    // Past the deadline, the watchdog may have abandoned a connection the server never
    // answered on.
    if (pg::DeadlineWatchdog::Clock::now() >= deadline) {
      throw app::Error(app::ErrorKind::kUnavailable, "the request did not finish within " +
                                                         std::to_string(timeout.count()) + " ms");
    }
    throw app::Error(app::ErrorKind::kUnavailable, "the database is unreachable");
  } catch (const pg::TransactionInDoubt&) {
    throw app::Error(app::ErrorKind::kUnavailable,
                     "the database went away while committing: the change may or may not have "
                     "been made; retry with the same Idempotency-Key or If-Match, which makes the "
                     "retry safe either way");
  } catch (const pg::PoolExhausted&) {
    throw app::Error(app::ErrorKind::kUnavailable, "the database is busy");
  } catch (const pg::TransactionRollback&) {
    // Serialization failures and deadlocks that persisted through every retry.
    throw app::Error(app::ErrorKind::kUnavailable,
                     "the request kept colliding with concurrent ones; retry it");
  } catch (const pg::QueryCanceled&) {
    if (pg::DeadlineWatchdog::Clock::now() >= deadline) {
      throw app::Error(app::ErrorKind::kUnavailable, "the request did not finish within " +
                                                         std::to_string(timeout.count()) + " ms");
    }
    throw app::Error(app::ErrorKind::kUnavailable, "the database took too long to answer");
  }
}

/// Tells the replica routing that a write ended, however it ended.
class WriteNotice {
 public:
  explicit WriteNotice(ReplicaReads* reads) : reads_(reads) {}
  WriteNotice(const WriteNotice&) = delete;
  WriteNotice& operator=(const WriteNotice&) = delete;
  WriteNotice(WriteNotice&&) = delete;
  WriteNotice& operator=(WriteNotice&&) = delete;
  ~WriteNotice() {
    if (reads_ != nullptr)
      reads_->NoteWrite();
  }

 private:
  ReplicaReads* reads_;
};

}  // namespace

void PgDatabase::RunWrite(const app::CallContext& context, const TransactionWork& work) {
  const auto deadline = pg::DeadlineWatchdog::Clock::now() + request_timeout_;
  TranslatingUnavailable(deadline, request_timeout_, [&] {
    const pg::TransactionOptions options{.deadline = deadline, .watchdog = &watchdog_};
    bool wrote_events = false;
    // Ended in any way (committed, failed, in doubt): reads wait for the replica to pass it.
    const WriteNotice notice(replica_reads_);
    pg::RunInTransaction(pool_, options, [&](pg::Transaction& transaction) {
      PgTransaction tx(transaction.Conn(), context, envelope_);
      work(tx);
      wrote_events = tx.WroteEvents();
    });
    if (wrote_events && commit_signal_ != nullptr)
      commit_signal_->Raise();
  });
}

void PgDatabase::RunRead(const TransactionWork& work) {
  const auto deadline = pg::DeadlineWatchdog::Clock::now() + request_timeout_;
  pg::Pool* replica = replica_reads_ != nullptr ? replica_reads_->Choose() : nullptr;
  if (replica != nullptr) {
    try {
      ReadOn(*replica, deadline, work);
      replica_reads_->CountReplica();
      return;
    } catch (const app::Error& error) {
      // The replica failing (down, busy, a query cancelled by a recovery conflict) is no reason
      // to fail the read: the primary answers it. The client's own errors propagate.
      if (error.Kind() != app::ErrorKind::kUnavailable)
        throw;
    }
  }
  ReadOn(pool_, deadline, work);
  if (replica_reads_ != nullptr)
    replica_reads_->CountPrimary();
}

void PgDatabase::RunReadLatest(const TransactionWork& work) {
  ReadOn(pool_, pg::DeadlineWatchdog::Clock::now() + request_timeout_, work);
}

void PgDatabase::RunReadByKey(const TransactionWork& work) {
  if (shared_reader_ == nullptr || replica_reads_ != nullptr) {
    RunRead(work);
    return;
  }
  const auto deadline = pg::DeadlineWatchdog::Clock::now() + request_timeout_;
  TranslatingUnavailable(deadline, request_timeout_, [&] {
    pg::Connection connection = pg::Connection::Through(*shared_reader_, deadline);
    PgTransaction tx(connection, kReader, envelope_);
    work(tx);
  });
}

void PgDatabase::ReadOn(pg::Pool& pool, pg::DeadlineWatchdog::Clock::time_point deadline,
                        const TransactionWork& work) {
  TranslatingUnavailable(deadline, request_timeout_, [&] {
    // One statement per read in autocommit: a snapshot of its own, no BEGIN/COMMIT round trips.
    pg::PooledConnection connection = pool.Acquire(deadline);
    const pg::DeadlineWatchdog::Watch watch(&watchdog_, *connection, deadline);
    PgTransaction tx(*connection, kReader, envelope_);
    work(tx);
  });
}

}  // namespace nedlia::repositories
