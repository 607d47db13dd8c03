#include "process/periodic_thread.hpp"

namespace nedlia::process {

PeriodicThread::PeriodicThread(std::chrono::milliseconds first_wait, Round round)
    : round_(std::move(round)), thread_([this, first_wait] { Loop(first_wait); }) {}

PeriodicThread::~PeriodicThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PeriodicThread::Loop(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, wait, [this] { return stopping_; })) {
    lock.unlock();
    wait = round_();
    lock.lock();
  }
}

}  // namespace nedlia::process
