#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace nedlia::http {

/// Work for the pool. Run is called exactly once, on a worker thread, unless the pool refused
/// it (TryPost returned false).
class Job {
 public:
  virtual ~Job() = default;
  virtual void Run() noexcept = 0;
};

/// A fixed set of threads that run handlers, which may block (on the database), behind a
/// bounded queue: when every thread is busy and the queue is full, TryPost refuses at once, so
/// that an overload is answered (503) instead of queued without end. Thread-safe.
class WorkerPool {
 public:
  /// `threads` >= 1 run jobs; at most `queue_limit` jobs wait for one.
  WorkerPool(std::size_t threads, std::size_t queue_limit);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  WorkerPool(WorkerPool&&) = delete;
  WorkerPool& operator=(WorkerPool&&) = delete;
  /// Runs what is queued, then joins the threads.
  ~WorkerPool();

  /// Queues `job` (taking it), or returns false (leaving it with the caller) when the queue is
  /// full or the pool is stopping.
  bool TryPost(std::unique_ptr<Job>& job);
  /// Jobs waiting for a thread now.
  std::size_t Queued() const;
  /// Jobs running now.
  std::size_t Running() const;

 private:
  void Work();

  std::size_t queue_limit_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::unique_ptr<Job>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nedlia::http
