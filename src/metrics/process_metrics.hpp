#pragma once

#include <string>

namespace nedlia::metrics {

/// The standard process collectors of Prometheus's client libraries, read from /proc/self at
/// each scrape: process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds,
/// and process_threads. Empty where /proc cannot be read (never on Linux).
std::string ProcessMetricsText();

}  // namespace nedlia::metrics
