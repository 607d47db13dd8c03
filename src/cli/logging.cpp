#include "cli/logging.hpp"

#include <fmt/chrono.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include <nlohmann/json.hpp>

#include "process/log_context.hpp"

namespace nedlia::cli {
namespace {

// A JSON string of `text`, whatever its bytes: invalid UTF-8 becomes U+FFFD rather than an
// exception, and control characters are escaped (no line of the log can be forged).
std::string Quoted(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Timestamp(std::chrono::system_clock::time_point at) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", std::chrono::floor<std::chrono::seconds>(at),
                     ms);
}

std::string_view LevelName(spdlog::level::level_enum level) {
  const spdlog::string_view_t name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& out) override {
    const process::LogContext& context = process::ThisThreadLog();
    std::string line =
        "{\"time\":\"" + Timestamp(message.time) +
        "\",\"level\":" + Quoted(LevelName(message.level)) +
        ",\"message\":" + Quoted(std::string_view(message.payload.data(), message.payload.size())) +
        ",\"component\":" + Quoted(context.component.empty() ? "main" : context.component);
    if (!context.trace_id.empty())
      line += ",\"trace_id\":" + Quoted(context.trace_id);
    for (const auto& [name, value] : context.fields)
      line += "," + Quoted(name) + ":" + Quoted(value);
    line += "}\n";
    out.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void ConfigureLogging(const std::string& level, const std::string& format) {
  auto logger = spdlog::stderr_color_mt("nedlia");
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace nedlia::cli
