#include "http/worker_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "process/log_context.hpp"

namespace nedlia::http {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_limit, LazyWake lazy)
    : queue_limit_(queue_limit), lazy_(lazy) {
  const std::size_t count = std::max<std::size_t>(threads, 1);
  for (std::size_t i = 0; i < count; ++i)
    workers_.push_back(std::make_unique<Worker>());
  threads_.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    threads_.emplace_back([this, i] { Work(i); });
}

WorkerPool::~WorkerPool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (const auto& worker : workers_)
    worker->wake.notify_all();
  for (std::thread& thread : threads_)
    thread.join();
}

bool WorkerPool::TryPost(std::unique_ptr<Job>& job) {
  Worker* to_wake = nullptr;
  {
    const std::lock_guard lock(mutex_);
    // Jobs that an idle thread takes at once do not count as waiting: with a limit of 0 a job
    // is accepted exactly when a thread is free.
    if (stopping_ || running_ + queue_.size() >= workers_.size() + queue_limit_)
      return false;
    const Clock::time_point now = Clock::now();
    queue_.push_back({std::move(job), now});
    to_wake = WakeIfNeeded(now);
  }
  if (to_wake != nullptr)
    to_wake->wake.notify_one();  // workers live as long as the pool: safe after unlocking
  return true;
}

std::size_t WorkerPool::Queued() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

std::size_t WorkerPool::Running() const {
  const std::lock_guard lock(mutex_);
  return running_;
}

bool WorkerPool::ShouldTake(Clock::time_point now) const {
  const std::size_t unclaimed = queue_.size() > waking_ ? queue_.size() - waking_ : 0;
  if (unclaimed == 0)
    return false;
  if (now - queue_.front().at >= lazy_.max_wait)
    return true;
  std::size_t short_jobs = 0;
  for (const auto& worker : workers_) {
    if (worker->job_started && now - *worker->job_started < lazy_.short_job)
      ++short_jobs;
  }
  // The running short jobs take the queued ones as they end, well within max_wait.
  return short_jobs < lazy_.min_short_jobs || unclaimed * 2 > short_jobs;
}

WorkerPool::Worker* WorkerPool::WakeIfNeeded(Clock::time_point now) {
  if (sleeping_.empty() || queue_.size() <= waking_)
    return nullptr;
  const bool take = ShouldTake(now);
  if (!take && watcher_ != nullptr)
    return nullptr;
  Worker* worker = sleeping_.back();
  sleeping_.pop_back();
  worker->woken = true;
  if (take) {
    ++waking_;
  } else {
    watcher_ = worker;
  }
  return worker;
}

bool WorkerPool::Takes(const Worker& self, Clock::time_point now) const {
  if (queue_.empty())
    return false;
  return &self != watcher_ || stopping_ || ShouldTake(now);
}

void WorkerPool::Work(std::size_t index) {
  pthread_setname_np(pthread_self(), "nedlia-worker");  // for top -H, perf and gdb
  const process::LogComponent component("http");
  Worker& self = *workers_[index];
  std::unique_lock lock(mutex_);
  for (;;) {
    Clock::time_point now = Clock::now();
    if (Takes(self, now)) {
      if (watcher_ == &self)
        watcher_ = nullptr;
      std::unique_ptr<Job> job = std::move(queue_.front().job);
      queue_.pop_front();
      self.job_started = now;
      ++running_;
      Worker* another = WakeIfNeeded(now);  // more queued than the running ones will take
      lock.unlock();
      if (another != nullptr)
        another->wake.notify_one();
      job->Run();
      job.reset();
      lock.lock();
      --running_;
      self.job_started.reset();
      continue;
    }
    if (stopping_)
      return;  // and nothing is left to run
    if (watcher_ == &self) {
      if (queue_.size() > waking_) {
        self.wake.wait_until(lock, queue_.front().at + lazy_.max_wait);
        continue;
      }
      watcher_ = nullptr;  // taken, or claimed by woken threads: nothing left to watch
    }
    self.woken = false;
    sleeping_.push_back(&self);
    self.wake.wait(lock, [&] { return self.woken || stopping_; });
    if (!self.woken) {
      std::erase(sleeping_, &self);  // stopping
    } else if (watcher_ != &self) {
      --waking_;
    }
  }
}

}  // namespace nedlia::http
