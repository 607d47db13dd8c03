#include "process/pause.hpp"

#include <condition_variable>
#include <mutex>

namespace nedlia::process {

void PauseFor(const std::stop_token& stop, std::chrono::milliseconds duration) {
  std::mutex mutex;
  std::condition_variable_any never;  // nobody notifies it: only the stop or the time ends it
  std::unique_lock lock(mutex);
  never.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace nedlia::process
