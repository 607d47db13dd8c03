#include "notifier/notifier_options.hpp"

#include <charconv>
#include <stdexcept>

namespace nedlia::notifier {
namespace {

std::chrono::milliseconds ParseDuration(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (error != std::errc() || end == text.data() || value < 0)
    throw std::invalid_argument("\"" + std::string(text) + "\" is not a duration such as 5s");
  if (unit == "ms")
    return std::chrono::milliseconds(value);
  if (unit == "s")
    return std::chrono::seconds(value);
  if (unit == "m")
    return std::chrono::minutes(value);
  if (unit == "h")
    return std::chrono::hours(value);
  throw std::invalid_argument("\"" + std::string(text) + "\" has no unit (ms, s, m or h)");
}

}  // namespace

std::vector<std::chrono::milliseconds> ParseRetrySchedule(const std::string& text) {
  std::vector<std::chrono::milliseconds> schedule;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    schedule.push_back(ParseDuration(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return schedule;
}

}  // namespace nedlia::notifier
