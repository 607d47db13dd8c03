#include "metrics/registry.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace nedlia::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size())) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::Observe(double value) {
  const auto bound = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  if (bound != bounds_.end())
    buckets_[static_cast<std::size_t>(bound - bounds_.begin())].fetch_add(1);
  count_.fetch_add(1);
  sum_.fetch_add(value);
}

std::string Histogram::Render(const std::string& name, const std::string& labels) const {
  const std::string before_le = labels.empty() ? "" : labels + ",";
  const std::string suffix = labels.empty() ? "" : "{" + labels + "}";
  // Read the count first: a concurrent Observe may then show in a bucket but not yet in the
  // count, never the other way (+Inf is the count).
  const std::uint64_t count = count_.load();
  std::string out;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load();
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, before_le, bounds_[i],
                       std::min(cumulative, count));
  }
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, before_le, count);
  out += fmt::format("{}_sum{} {}\n", name, suffix, sum_.load());
  out += fmt::format("{}_count{} {}\n", name, suffix, count);
  return out;
}

Registry& Registry::Process() {
  static Registry registry;
  return registry;
}

Histogram& Registry::GetHistogram(const std::string& name, const std::string& help,
                                  const std::vector<double>& upper_bounds,
                                  const std::string& labels) {
  const std::lock_guard lock(mutex_);
  Entry& entry = entries_[name];
  if (entry.help.empty())
    entry.help = help;
  std::unique_ptr<Histogram>& histogram = entry.histograms[labels];
  if (!histogram)
    histogram = std::make_unique<Histogram>(upper_bounds);
  return *histogram;
}

Gauge& Registry::GetGauge(const std::string& name, const std::string& help,
                          const std::string& labels) {
  const std::lock_guard lock(mutex_);
  Entry& entry = entries_[name];
  if (entry.help.empty())
    entry.help = help;
  std::unique_ptr<Gauge>& gauge = entry.gauges[labels];
  if (!gauge)
    gauge = std::make_unique<Gauge>();
  return *gauge;
}

Counter& Registry::GetCounter(const std::string& name, const std::string& help,
                              const std::string& labels) {
  const std::lock_guard lock(mutex_);
  Entry& entry = entries_[name];
  if (entry.help.empty())
    entry.help = help;
  std::unique_ptr<Counter>& counter = entry.counters[labels];
  if (!counter)
    counter = std::make_unique<Counter>();
  return *counter;
}

std::string Registry::RenderEntry(const std::string& name, const Entry& entry) {
  std::string out = "# HELP " + name + " " + entry.help + "\n";
  const auto suffix = [](const std::string& labels) {
    return labels.empty() ? std::string() : "{" + labels + "}";
  };
  if (!entry.histograms.empty()) {
    out += "# TYPE " + name + " histogram\n";
    for (const auto& [labels, histogram] : entry.histograms)
      out += histogram->Render(name, labels);
    return out;
  }
  if (!entry.gauges.empty()) {
    out += "# TYPE " + name + " gauge\n";
    for (const auto& [labels, gauge] : entry.gauges)
      out += fmt::format("{}{} {}\n", name, suffix(labels), gauge->Value());
    return out;
  }
  out += "# TYPE " + name + " counter\n";
  for (const auto& [labels, counter] : entry.counters)
    out += fmt::format("{}{} {}\n", name, suffix(labels), counter->Value());
  return out;
}

Registry::Collector::~Collector() {
  if (registry_ == nullptr)
    return;
  const std::lock_guard lock(registry_->mutex_);
  registry_->collectors_.erase(id_);
}

Registry::Collector Registry::AddCollector(Collect collect) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return {*this, id};
}

std::string Registry::Render() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, entry] : entries_)
    out += RenderEntry(name, entry);
  for (const auto& [id, collect] : collectors_)
    out += collect();
  return out;
}

std::string Label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (const char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::vector<double> LatencyBounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace nedlia::metrics
