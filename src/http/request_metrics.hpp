#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http/request.hpp"
#include "metrics/registry.hpp"

namespace nedlia::http {

/// The requests answered for one route: counts by method and status class, and latency.
/// Recording is lock-free. Thread-safe.
class RouteSeries {
 public:
  RouteSeries();
  void Record(Method method, int status, double seconds);
  /// A request whose method is not one we serve, or was never read (a malformed head).
  void RecordOther(int status, double seconds);

 private:
  friend class RequestMetrics;
  static constexpr std::size_t kMethods = 8;  ///< Method's seven, then OTHER
  static constexpr std::size_t kClasses = 5;  ///< 1xx … 5xx
  std::array<std::array<std::atomic<std::uint64_t>, kClasses>, kMethods> counts_{};
  metrics::Histogram latency_;
};

/// Every route's series, as nedlia_http_requests_total{route,method,code} and
/// nedlia_http_request_duration_seconds{route}. The route label is the route's template
/// (`/v1/placements/{id}`), never the path, so that the series stay as few as the routes:
/// `unmatched` for requests no route took (404, 405), `none` for those the server answered
/// before routing (shed with 503, refused with 400, 413, 431, 501). Thread-safe.
class RequestMetrics {
 public:
  /// The series of the route `path_template`, made on first use; lives as long as this.
  RouteSeries& Route(const std::string& path_template);
  RouteSeries& Unmatched() { return unmatched_; }
  RouteSeries& Unrouted() { return unrouted_; }
  /// The two families in the text exposition format; routes and methods never seen are left
  /// out.
  std::string Render() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RouteSeries>> routes_;
  RouteSeries unmatched_;
  RouteSeries unrouted_;
};

}  // namespace nedlia::http
