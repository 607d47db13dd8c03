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
/// up to 1,000 rows, at least every `flush_every`), so that a request pays a queue push, not a
/// database round trip. Entries waiting when the database is down are kept up to `max_queued`;
/// beyond that the oldest are dropped and counted. The destructor writes what is queued.
class PgApiLog final : public app::ApiLog {
 public:
  PgApiLog(pg::Pool& pool, std::chrono::milliseconds flush_every = std::chrono::milliseconds(200),
           std::size_t max_queued = 100'000);
  PgApiLog(const PgApiLog&) = delete;
  PgApiLog& operator=(const PgApiLog&) = delete;
  ~PgApiLog() override;

  void Record(app::ApiLogEntry entry) noexcept override;
  /// Writes everything queued now (tests, shutdown); false when the database refused it.
  bool Flush();

 private:
  void Run();
  bool WriteBatch(std::deque<app::ApiLogEntry>& batch);

  pg::Pool& pool_;
  std::chrono::milliseconds flush_every_;
  std::size_t max_queued_;
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
