#pragma once

#include <string>

namespace nedlia::cli {

/// The process's logger on standard error, at `level` (spdlog's names), as `format`: "text"
/// (time, level, message) or "json" (one object per line: time, level, message, component,
/// trace_id and a request line's fields where there are some; see process/log_context.hpp).
void ConfigureLogging(const std::string& level, const std::string& format);

}  // namespace nedlia::cli
