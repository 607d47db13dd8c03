#pragma once
// What the benchmark programs share: a consumer run as the workers run it, and quantiles.

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "delivery/consumer.hpp"
#include "delivery/wakeup.hpp"

namespace nedlia::bench {

/// Runs a consumer as `nedlia serve` and `nedlia worker` run their workers, on a thread of its
/// own, until destroyed.
class RunningConsumer {
 public:
  RunningConsumer(delivery::Consumer& consumer, const std::string& url,
                  std::chrono::milliseconds poll)
      : wakeup_(url), thread_([&consumer, this, poll](std::stop_token stop) {
          consumer.Run(stop, wakeup_, poll);
        }) {}
  RunningConsumer(const RunningConsumer&) = delete;
  RunningConsumer& operator=(const RunningConsumer&) = delete;
  ~RunningConsumer() {
    thread_.request_stop();
    wakeup_.Interrupt();
    thread_.join();
  }

 private:
  delivery::Wakeup wakeup_;
  std::jthread thread_;
};

/// A command-line number: the whole of `text` read as a double, or nullopt.
inline std::optional<double> ParseNumber(const std::string& text) {
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return used == text.size() ? std::optional<double>(number) : std::nullopt;
}

struct Quantiles {
  double p50 = 0, p99 = 0, max = 0, mean = 0;
};

/// The nearest-rank quantiles of `values` (all zero when empty).
inline Quantiles Summarize(std::vector<double> values) {
  if (values.empty())
    return {};
  std::sort(values.begin(), values.end());
  const auto at = [&values](double quantile) {
    const auto index = static_cast<std::size_t>(quantile * static_cast<double>(values.size()));
    return values[std::min(index, values.size() - 1)];
  };
  double sum = 0;
  for (const double value : values)
    sum += value;
  return {.p50 = at(0.50),
          .p99 = at(0.99),
          .max = values.back(),
          .mean = sum / static_cast<double>(values.size())};
}

}  // namespace nedlia::bench
