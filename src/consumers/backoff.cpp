#include "consumers/backoff.hpp"

#include <algorithm>
#include <random>

namespace nedlia::consumers {

std::chrono::milliseconds RetryDelay(const ConsumerOptions& options, int attempts) {
  // Exponential, capped, with "equal jitter" (half fixed, half random) so that consumers
  // failing together do not retry together.
  thread_local std::mt19937 engine{std::random_device{}()};
  const auto ceiling = std::min<std::int64_t>(
      options.max_retry.count(), options.first_retry.count() << std::min(attempts - 1, 20));
  std::uniform_int_distribution<std::int64_t> jitter(0, ceiling / 2);
  return std::chrono::milliseconds(ceiling - ceiling / 2 + jitter(engine));
}

}  // namespace nedlia::consumers
