#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include "delivery/consumer.hpp"

namespace nedlia::testing {

/// Runs the consumer's passes until `done(moved so far)` holds, or `timeout`; returns how many
/// events it moved. A pass that moves nothing does not mean the log is drained: events wait
/// below the oldest transaction running anywhere in the cluster (other tests' included).
inline int RunUntil(delivery::Consumer& consumer, const std::function<bool(int)>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int moved = 0;
  while (!done(moved) && std::chrono::steady_clock::now() < deadline) {
    const int pass = consumer.RunOnce();
    moved += pass;
    if (pass == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return moved;
}

}  // namespace nedlia::testing
