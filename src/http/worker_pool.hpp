#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
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

/// When the pool leaves a queued job to the threads already running instead of waking one.
struct LazyWake {
  /// A running job younger than this is expected to end soon (a read is a fraction of it).
  std::chrono::steady_clock::duration short_job = std::chrono::milliseconds(1);
  /// Laziness applies only with at least this many short jobs running.
  std::size_t min_short_jobs = 4;
  /// A queued job never waits longer than this for a thread while one sleeps.
  std::chrono::steady_clock::duration max_wait = std::chrono::milliseconds(1);
};

/// A fixed set of threads that run handlers, which may block (on the database), behind a
/// bounded queue: when every thread is busy and the queue is full, TryPost refuses at once, so
/// that an overload is answered (503) instead of queued without end. Thread-safe.
///
/// Threads are woken lazily and last-in first-out. Sized to the database pool, a pool that
/// woke a thread per request paid a context switch for each (costly on a virtual machine) and
/// kept every database connection busy at once: GET's p99 was 100 ms and more at 64
/// connections, under 15 ms with lazy wake-ups at the same throughput. So a queued job is left
/// to the threads running short jobs while there are enough of them to keep up; one sleeping
/// thread is then woken as a watcher, which takes the job once it has waited LazyWake::max_wait
/// (the running jobs may turn out long: a commit waiting for the disk). Slow work still gets
/// every thread.
class WorkerPool {
 public:
  using Clock = std::chrono::steady_clock;

  /// `threads` >= 1 run jobs; at most `queue_limit` jobs wait for one.
  WorkerPool(std::size_t threads, std::size_t queue_limit, LazyWake lazy = {});
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  /// Runs every job already accepted, then joins the threads.
  ~WorkerPool();

  /// Queues the job and returns true, or returns false at once (leaving `job` with the
  /// caller) when the pool is saturated or stopping.
  bool TryPost(std::unique_ptr<Job>& job);

  /// Jobs accepted and not yet started.
  std::size_t Queued() const;
  /// Jobs running now.
  std::size_t Running() const;

 private:
  /// One thread's place: where it sleeps, and since when its current job runs.
  struct Worker {
    std::condition_variable wake;
    bool woken = false;
    std::optional<Clock::time_point> job_started;
  };
  struct Waiting {
    std::unique_ptr<Job> job;
    Clock::time_point at;
  };

  void Work(std::size_t index);
  /// Under the lock: whether a queued job should be taken now rather than left to the
  /// running ones.
  bool ShouldTake(Clock::time_point now) const;
  /// Under the lock: the sleeping worker to notify (after unlocking), to take the work or to
  /// watch it, or nullptr.
  Worker* WakeIfNeeded(Clock::time_point now);
  /// Under the lock: whether `self` should take the front job now.
  bool Takes(const Worker& self, Clock::time_point now) const;

  std::size_t queue_limit_;
  LazyWake lazy_;
  mutable std::mutex mutex_;
  std::deque<Waiting> queue_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Worker*> sleeping_;  ///< the most recently idle last
  std::size_t running_ = 0;
  std::size_t waking_ = 0;     ///< woken to take work, not yet back at the queue
  Worker* watcher_ = nullptr;  ///< awake, taking the front job once it has waited too long
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nedlia::http
