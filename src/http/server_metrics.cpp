#include "http/server_metrics.hpp"

#include <cstdint>

namespace nedlia::http {
namespace {

void Append(std::string& out, const char* name, const char* type, const char* help,
            std::uint64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + std::to_string(value) + "\n";
}

}  // namespace

std::string ServerMetricsText(const ServerStats& stats) {
  std::string out;
  Append(out, "nedlia_http_connections", "gauge", "HTTP connections open", stats.connections);
  Append(out, "nedlia_http_connections_idle", "gauge", "HTTP connections waiting for a request",
         stats.connections_idle);
  Append(out, "nedlia_http_requests_queued", "gauge", "Requests waiting for a worker",
         stats.requests_queued);
  Append(out, "nedlia_http_requests_in_progress", "gauge", "Requests running on a worker",
         stats.requests_running);
  Append(out, "nedlia_http_requests_on_loop", "gauge",
         "Requests running in a fiber on an event loop (waiting for the database, mostly)",
         stats.requests_on_loop);
  Append(out, "nedlia_http_connections_accepted_total", "counter", "Connections admitted",
         stats.connections_accepted);
  Append(out, "nedlia_http_connections_evicted_total", "counter",
         "Idle connections closed to admit new ones at the connection cap",
         stats.connections_evicted);
  Append(out, "nedlia_http_connections_refused_total", "counter",
         "Connections refused at a connection cap (503 or 429)", stats.connections_refused);
  Append(out, "nedlia_http_requests_shed_total", "counter",
         "Requests answered 503 because every worker was busy and the queue full",
         stats.requests_shed);
  Append(out, "nedlia_http_requests_timed_out_total", "counter",
         "Connections closed because a request or an answer was too slow",
         stats.requests_timed_out);
  Append(out, "nedlia_http_requests_rejected_total", "counter",
         "Requests refused before their handler (400, 413, 431, 503)", stats.requests_rejected);
  return out;
}

}  // namespace nedlia::http
