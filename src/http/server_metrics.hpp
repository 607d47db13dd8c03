#pragma once

#include <string>

#include "http/server.hpp"

namespace nedlia::http {

/// The server's counters in the Prometheus text exposition format (nedlia_http_*).
std::string ServerMetricsText(const ServerStats& stats);

}  // namespace nedlia::http
