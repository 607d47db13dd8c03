#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "app/ports/api_log.hpp"
#include "pg/pool.hpp"

namespace nedlia::repositories {

/// The API log in the api_logs table, written by a thread of its own in batches (one INSERT of
/// up to 1,000 rows), so that a request pays a queue push, not a database round trip. A batch
/// goes as soon as `flush_rows` entries wait, and at least every `flush_every`: under load the
/// writes stay small and even, where one large INSERT every `flush_every` held a core for
/// milliseconds and showed in the requests' tail latency. Entries waiting when the database is
/// down are kept up to `max_queued`; beyond that the oldest are dropped and counted. The
/// destructor writes what is queued.
class PgApiLog final : public app::ApiLog {
 public:
  PgApiLog(pg::Pool& pool, std::chrono::milliseconds flush_every = std::chrono::milliseconds(200),
           std::size_t max_queued = 100'000, std::size_t flush_rows = 128);
  PgApiLog(const PgApiLog&) = delete;
  PgApiLog& operator=(const PgApiLog&) = delete;
  ~PgApiLog() override;

  void Record(app::ApiLogEntry entry) noexcept override;
  /// Writes everything queued now (tests, shutdown); false when the database refused it.
  bool Flush();

 private:
  void Run();
  /// Writes what is queued, in batches: everything when `drain`, else one batch and then more
  /// only while `flush_rows_` wait (so that rows trickling in during a write wait for the next
  /// wake-up rather than each costing a statement). False when the database refused a batch.
  bool Write(bool drain);
  bool WriteBatch(std::deque<app::ApiLogEntry>& batch);

  pg::Pool& pool_;
  std::chrono::milliseconds flush_every_;
  std::size_t max_queued_;
  std::size_t flush_rows_;
  std::mutex mutex_;
  std::mutex writing_;  ///< one writer at a time: the thread or Flush
  std::condition_variable wake_;
  std::deque<app::ApiLogEntry> queue_;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

/// Deletes API log rows older than `days` days, in batches; returns how many.
std::int64_t PurgeApiLog(pg::Connection& connection, int days);
/// How many rows PurgeApiLog would delete now.
std::int64_t CountOldApiLog(pg::Connection& connection, int days);

}  // namespace nedlia::repositories
