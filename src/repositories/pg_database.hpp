#pragma once

#include "app/ports/database.hpp"
#include "events/commit_signal.hpp"
#include "events/envelope.hpp"
#include "pg/deadline_watchdog.hpp"
#include "pg/pool.hpp"
#include "pg/shared_reader.hpp"
#include "repositories/replica_reads.hpp"

namespace nedlia::repositories {

/// The application's Database port over a PostgreSQL connection pool.
class PgDatabase : public app::Database {
 public:
  /// Each Write or Read may take `request_timeout` at most, waiting for a connection
  /// included: then its statement is cancelled and it fails with kUnavailable.
  PgDatabase(pg::Pool& pool, events::EnvelopeSettings envelope,
             std::chrono::milliseconds request_timeout = std::chrono::seconds(15))
      : pool_(pool), envelope_(std::move(envelope)), request_timeout_(request_timeout) {}

  /// Raised after each commit that wrote events, to wake consumers (null: they poll).
  void SignalCommitsTo(events::CommitSignal* signal) { commit_signal_ = signal; }
  /// Lets Read use a read replica when `reads` says it may (null: always the primary).
  void RouteReadsTo(ReplicaReads* reads) { replica_reads_ = reads; }
  /// Lets ReadByKey share `reader`'s connections with other requests (null: the pool's). A
  /// replica, when reads are routed to one, takes precedence.
  void ShareKeyReadsThrough(pg::SharedReader* reader) { shared_reader_ = reader; }

 protected:
  void RunWrite(const app::CallContext& context, const TransactionWork& work) override;
  void RunRead(const TransactionWork& work) override;
  void RunReadLatest(const TransactionWork& work) override;
  void RunReadByKey(const TransactionWork& work) override;

 private:
  pg::Pool& pool_;
  events::EnvelopeSettings envelope_;
  std::chrono::milliseconds request_timeout_;
  pg::DeadlineWatchdog watchdog_;
  events::CommitSignal* commit_signal_ = nullptr;
  ReplicaReads* replica_reads_ = nullptr;
  pg::SharedReader* shared_reader_ = nullptr;

  /// One read on `pool`, bounded by `deadline`: a read that falls back from the replica to the
  /// primary spends one request's time in all, not one each.
  void ReadOn(pg::Pool& pool, pg::DeadlineWatchdog::Clock::time_point deadline,
              const TransactionWork& work);
};

}  // namespace nedlia::repositories
