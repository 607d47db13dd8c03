#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace nedlia::testing {

/// Waits until `condition` holds or `timeout` passes; returns whether it held. It looks every
/// 10 ms: for conditions no one signals (a metric, a row, a server's state).
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace nedlia::testing
