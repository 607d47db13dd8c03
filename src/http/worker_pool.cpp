#include "http/worker_pool.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace nedlia::http {

WorkerPool::WorkerPool(std::size_t threads, std::size_t queue_limit) : queue_limit_(queue_limit) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i)
    threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_)
    thread.join();
}

bool WorkerPool::TryPost(std::unique_ptr<Job>& job) {
  {
    const std::lock_guard lock(mutex_);
    // Jobs that an idle thread takes at once do not count as waiting: with a limit of 0 a job
    // is accepted exactly when a thread is free.
    if (stopping_ || running_ + queue_.size() >= threads_.size() + queue_limit_)
      return false;
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
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

void WorkerPool::Work() {
  pthread_setname_np(pthread_self(), "nedlia-worker");  // for top -H, perf and gdb
  if (const char* nice = std::getenv("NEDLIA_EXPERIMENT_WORKER_NICE"))
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), std::atoi(nice));
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty())
      return;  // stopping, and nothing is left to run
    std::unique_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    job->Run();
    job.reset();
    lock.lock();
    --running_;
  }
}

}  // namespace nedlia::http
