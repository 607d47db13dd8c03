#include "http/request_metrics.hpp"

#include <fmt/format.h>

#include <vector>

namespace nedlia::http {
namespace {

constexpr const char* kRequests = "nedlia_http_requests_total";
constexpr const char* kDuration = "nedlia_http_request_duration_seconds";

std::size_t ClassIndex(int status) {
  if (status < 100 || status > 599)
    return 4;  // nothing else is sent; count the impossible as a server error
  return static_cast<std::size_t>(status / 100 - 1);
}

}  // namespace

RouteSeries::RouteSeries() : latency_(metrics::LatencyBounds()) {}

void RouteSeries::Record(Method method, int status, double seconds) {
  counts_[static_cast<std::size_t>(method)][ClassIndex(status)].fetch_add(
      1, std::memory_order_relaxed);
  latency_.Observe(seconds);
}

void RouteSeries::RecordOther(int status, double seconds) {
  counts_[kMethods - 1][ClassIndex(status)].fetch_add(1, std::memory_order_relaxed);
  latency_.Observe(seconds);
}

RouteSeries& RequestMetrics::Route(const std::string& path_template) {
  const std::lock_guard lock(mutex_);
  std::unique_ptr<RouteSeries>& series = routes_[path_template];
  if (!series)
    series = std::make_unique<RouteSeries>();
  return *series;
}

std::string RequestMetrics::Render() const {
  std::vector<std::pair<std::string, const RouteSeries*>> all;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [path_template, series] : routes_)
      all.emplace_back(path_template, series.get());
  }
  all.emplace_back("unmatched", &unmatched_);
  all.emplace_back("none", &unrouted_);

  std::string counts = fmt::format(
      "# HELP {0} HTTP requests answered, by route template, method and status class.\n"
      "# TYPE {0} counter\n",
      kRequests);
  std::string durations = fmt::format(
      "# HELP {0} Seconds from a request read whole to its answer, by route template.\n"
      "# TYPE {0} histogram\n",
      kDuration);
  for (const auto& [route, series] : all) {
    const std::string route_label = metrics::Label("route", route);
    bool seen = false;
    for (std::size_t m = 0; m < RouteSeries::kMethods; ++m) {
      for (std::size_t c = 0; c < RouteSeries::kClasses; ++c) {
        const std::uint64_t count = series->counts_[m][c].load(std::memory_order_relaxed);
        if (count == 0)
          continue;
        seen = true;
        counts += fmt::format("{}{{{},method=\"{}\",code=\"{}xx\"}} {}\n", kRequests, route_label,
                              m + 1 == RouteSeries::kMethods ? std::string_view("OTHER")
                                                             : MethodName(static_cast<Method>(m)),
                              c + 1, count);
      }
    }
    if (seen)
      durations += series->latency_.Render(kDuration, route_label);
  }
  return counts + durations;
}

}  // namespace nedlia::http
