#pragma once

#include <chrono>
#include <functional>

#include "consumers/consumer.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {

/// Runs the consumer's passes until `done(moved so far)` holds, or `timeout`; returns how many
/// events it moved. A pass that moves nothing does not mean the log is drained: events wait
/// below the oldest transaction running anywhere in the cluster (other tests' included).
inline int RunUntil(consumers::Consumer& consumer, const std::function<bool(int)>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  int moved = 0;
  WaitFor(
      [&] {
        while (!done(moved)) {
          const int pass = consumer.RunOnce();
          moved += pass;
          if (pass == 0)
            return false;  // WaitFor pauses before the next pass
        }
        return true;
      },
      timeout);
  return moved;
}

}  // namespace nedlia::testing
