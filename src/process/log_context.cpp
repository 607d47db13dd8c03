#include "process/log_context.hpp"

namespace nedlia::process {

LogContext& ThisThreadLog() {
  thread_local LogContext context;
  return context;
}

LogComponent::LogComponent(std::string component)
    : previous_(std::exchange(ThisThreadLog().component, std::move(component))) {}

LogComponent::~LogComponent() {
  ThisThreadLog().component = std::move(previous_);
}

LogTrace::LogTrace(std::string trace_id)
    : previous_(std::exchange(ThisThreadLog().trace_id, std::move(trace_id))) {}

LogTrace::~LogTrace() {
  ThisThreadLog().trace_id = std::move(previous_);
}

LogFields::LogFields(std::vector<std::pair<std::string, std::string>> fields) {
  ThisThreadLog().fields = std::move(fields);
}

LogFields::~LogFields() {
  ThisThreadLog().fields.clear();
}

}  // namespace nedlia::process
