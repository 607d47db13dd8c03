#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nedlia::metrics {

/// A Prometheus histogram: cumulative counts per upper bound, the sum and the count. Observe
/// is lock-free, so it costs a hot path (a consumer's handler) next to nothing.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double value);
  /// The exposition-format lines of `name` (the _bucket, _sum and _count series), each with
  /// `labels` (e.g. `route="/v1/videos"`; empty: none) before `le`.
  std::string Render(const std::string& name, const std::string& labels = "") const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  ///< per bound, not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// A Prometheus gauge: a value that goes up and down (a lag). Set is lock-free.
class Gauge {
 public:
  void Set(double value) { value_.store(value); }
  double Value() const { return value_.load(); }

 private:
  std::atomic<double> value_{0};
};

/// A Prometheus counter: only ever goes up. Lock-free.
class Counter {
 public:
  void Increment(std::uint64_t by = 1) { value_.fetch_add(by); }
  std::uint64_t Value() const { return value_.load(); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// The metrics of this process, served by GET /metrics in the Prometheus text format.
class Registry {
 public:
  /// Renders metrics read off an object at scrape time (a server's counters), in the text
  /// exposition format.
  using Collect = std::function<std::string()>;
  /// Keeps a collector registered for as long as it lives.
  class Collector {
   public:
    Collector(Registry& registry, std::uint64_t id) : registry_(&registry), id_(id) {}
    Collector(const Collector&) = delete;
    Collector& operator=(const Collector&) = delete;
    Collector(Collector&& other) noexcept
        : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}
    Collector& operator=(Collector&&) = delete;
    ~Collector();

   private:
    Registry* registry_;
    std::uint64_t id_;
  };

  /// The process's registry.
  static Registry& Process();

  /// The histogram `name` with `labels`, made with `upper_bounds` on first use.
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& upper_bounds, const std::string& labels = "");
  /// The gauge `name` with `labels`, made on first use.
  Gauge& GetGauge(const std::string& name, const std::string& help, const std::string& labels = "");
  /// The counter `name` with `labels` (e.g. `served_by="replica"`; empty: none), made on first
  /// use. One name holds any number of label sets.
  Counter& GetCounter(const std::string& name, const std::string& help,
                      const std::string& labels = "");
  /// Adds `collect` to every Render until the returned Collector is destroyed.
  [[nodiscard]] Collector AddCollector(Collect collect);
  /// Every metric, in the text exposition format (version 0.0.4).
  std::string Render() const;

 private:
  // One kind per name (the first Get decides which), any number of label sets.
  struct Entry {
    std::string help;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;  ///< by label set
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Counter>> counters;
  };
  static std::string RenderEntry(const std::string& name, const Entry& entry);
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::map<std::uint64_t, Collect> collectors_;
  std::uint64_t next_collector_ = 1;
};

/// Bounds in seconds from 1 ms to 10 s, for latencies and lags.
std::vector<double> LatencyBounds();

/// `name="value"` with the value escaped as the text format requires (backslash, double quote
/// and line feed), for label sets built from data such as a consumer's name.
std::string Label(std::string_view name, std::string_view value);

}  // namespace nedlia::metrics
