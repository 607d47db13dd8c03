#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace nedlia::metrics {

/// A Prometheus histogram: cumulative counts per upper bound, the sum and the count. Observe
/// is lock-free, so it costs a hot path (a consumer's handler) next to nothing.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);
  /// The exposition-format lines of `name` (the _bucket, _sum and _count series).
  std::string Render(const std::string& name) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< per bound, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// The metrics of this process, served by GET /metrics in the Prometheus text format.
class Registry {
 public:
  /// The process's registry.
  static Registry& Process();

  /// The histogram named `name`, made with `upper_bounds` on first use.
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& upper_bounds);
  /// Every metric, in the text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  struct Entry {
    std::string help;
    std::unique_ptr<Histogram> histogram;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

/// Bounds in seconds from 1 ms to 10 s, for latencies and lags.
std::vector<double> LatencyBounds();

}  // namespace nedlia::metrics
