#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nedlia::process {

/// What this thread's log lines say about where they come from: the component doing the work
/// (a worker's name, the HTTP workers), the trace of the request being served, and fields that
/// belong to one line (a request line's route, status and duration). Read by the JSON log
/// format; the text format has them in the message already.
struct LogContext {
  std::string component;
  std::string trace_id;
  std::vector<std::pair<std::string, std::string>> fields;
};

/// This thread's context.
LogContext& ThisThreadLog();

/// Sets this thread's component for the scope's life.
class LogComponent {
 public:
  explicit LogComponent(std::string component);
  LogComponent(const LogComponent&) = delete;
  LogComponent& operator=(const LogComponent&) = delete;
  ~LogComponent();

 private:
  std::string previous_;
};

/// Sets this thread's trace id for the scope's life (a request's handling).
class LogTrace {
 public:
  explicit LogTrace(std::string trace_id);
  LogTrace(const LogTrace&) = delete;
  LogTrace& operator=(const LogTrace&) = delete;
  ~LogTrace();

 private:
  std::string previous_;
};

/// Adds fields to the lines this thread logs within the scope (one line, in practice).
class LogFields {
 public:
  explicit LogFields(std::vector<std::pair<std::string, std::string>> fields);
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;
  ~LogFields();
};

}  // namespace nedlia::process
