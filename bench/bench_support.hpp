#pragma once
// What the benchmark programs share: a consumer run as the workers run it, and quantiles
// (bench_numbers.hpp).

#include <chrono>
#include <string>
#include <thread>

#include "bench_numbers.hpp"
#include "consumers/consumer.hpp"
#include "consumers/wakeup.hpp"

namespace nedlia::bench {

/// Runs a consumer as `nedlia serve` and `nedlia worker` run their workers, on a thread of its
/// own, until destroyed.
class RunningConsumer {
 public:
  RunningConsumer(consumers::Consumer& consumer, const std::string& url,
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
  consumers::Wakeup wakeup_;
  std::jthread thread_;
};

}  // namespace nedlia::bench
