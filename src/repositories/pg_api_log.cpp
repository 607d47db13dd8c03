#include "repositories/pg_api_log.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "pg/batches.hpp"

namespace nedlia::repositories {
namespace {

constexpr std::size_t kBatchRows = 1000;

// One statement per batch: the columns as text arrays, unnested side by side.
const pg::Statement kInsert{"api_log_insert", R"sql(
    INSERT INTO api_logs (created_at, method, path, status, duration_us, principal_id, trace_id)
    SELECT to_timestamp(at::int8 / 1000.0), method, path, status::int2, duration::int8,
           NULLIF(principal, '')::uuid, NULLIF(trace, '')
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                $7::text[]) AS r(at, method, path, status, duration, principal, trace))sql"};

const pg::BatchedPurge kOldEntries("api_log_old", "api_logs", "id",
                                   "created_at < now() - make_interval(days => $1)");

}  // namespace

PgApiLog::PgApiLog(pg::Pool& pool, std::chrono::milliseconds flush_every, std::size_t max_queued,
                   std::size_t flush_rows)
    : pool_(pool),
      flush_every_(flush_every),
      max_queued_(max_queued),
      flush_rows_(std::max<std::size_t>(flush_rows, 1)),
      thread_([this] { Run(); }) {}

PgApiLog::~PgApiLog() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Flush();
}

void PgApiLog::Record(app::ApiLogEntry entry) noexcept {
  bool batch_ready = false;
  try {
    const std::lock_guard lock(mutex_);
    if (queue_.size() >= max_queued_) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(entry));
    batch_ready = queue_.size() == flush_rows_;  // once per batch, not per entry
  } catch (...) {
    // Out of memory while logging: the request itself matters more than its log line.
  }
  if (batch_ready)
    wake_.notify_one();
}

bool PgApiLog::Flush() {
  return Write(true);
}

bool PgApiLog::Write(bool drain) {
  const std::lock_guard writing(writing_);
  for (bool first = true;; first = false) {
    std::deque<app::ApiLogEntry> batch;
    {
      const std::lock_guard lock(mutex_);
      if (!drain && !first && queue_.size() < flush_rows_)
        return true;
      if (dropped_ > 0) {
        spdlog::warn("the API log dropped {} entries it could not write in time", dropped_);
        dropped_ = 0;
      }
      const std::size_t take = std::min(queue_.size(), kBatchRows);
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(take)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    }
    if (batch.empty())
      return true;
    if (!WriteBatch(batch)) {
      // Back to the front, in order, to be written when the database answers again.
      const std::lock_guard lock(mutex_);
      queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                    std::make_move_iterator(batch.end()));
      while (queue_.size() > max_queued_) {
        queue_.pop_front();
        ++dropped_;
      }
      return false;
    }
  }
}

bool PgApiLog::WriteBatch(std::deque<app::ApiLogEntry>& batch) {
  std::vector<std::string> at, method, path, status, duration, principal, trace;
  for (const app::ApiLogEntry& entry : batch) {
    at.push_back(std::to_string(entry.at_ms));
    method.push_back(entry.method);
    path.push_back(entry.path);
    status.push_back(std::to_string(entry.status));
    duration.push_back(std::to_string(entry.duration_us));
    principal.push_back(entry.principal_id ? entry.principal_id->ToString() : "");
    trace.push_back(entry.trace_id);
  }
  try {
    pg::PooledConnection connection = pool_.Acquire();
    connection->Execute(kInsert, pg::Params(at, method, path, status, duration, principal, trace));
    return true;
  } catch (const std::exception& error) {
    spdlog::warn("could not write {} API log entries (kept for the next try): {}", batch.size(),
                 error.what());
    return false;
  }
}

void PgApiLog::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, flush_every_,
                   [this] { return stopping_ || queue_.size() >= flush_rows_; });
    lock.unlock();
    const bool written = Write(false);
    lock.lock();
    // The entries are back in the queue, enough of them to wake the loop at once: the next
    // try waits its turn, rather than hammering a database that is down.
    if (!written)
      wake_.wait_for(lock, flush_every_, [this] { return stopping_; });
  }
}

std::int64_t PurgeApiLog(pg::Connection& connection, int days) {
  return kOldEntries.Run(connection, days, 10000);
}

std::int64_t CountOldApiLog(pg::Connection& connection, int days) {
  return kOldEntries.Count(connection, days);
}

}  // namespace nedlia::repositories
