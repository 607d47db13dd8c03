#pragma once

#include <chrono>

#include "consumers/consumer_options.hpp"

namespace nedlia::consumers {

/// How long to wait before attempt `attempts` + 1 at a failed event: first_retry doubled at
/// each failure, at most max_retry, half of it random ("equal jitter").
std::chrono::milliseconds RetryDelay(const ConsumerOptions& options, int attempts);

}  // namespace nedlia::consumers
