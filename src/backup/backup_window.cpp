#include "backup/backup_window.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace nedlia::backup {
namespace {

// "HH:MM", 00:00 to 23:59.
std::optional<std::chrono::minutes> ParseTimeOfDay(std::string_view text) {
  if (text.size() != 5 || text[2] != ':')
    return std::nullopt;
  const auto number = [](std::string_view digits) -> std::optional<int> {
    int value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || digits.size() != 2)
      return std::nullopt;
    return value;
  };
  const auto hours = number(text.substr(0, 2));
  const auto minutes = number(text.substr(3, 2));
  if (!hours || !minutes || *hours > 23 || *minutes > 59)
    return std::nullopt;
  return std::chrono::hours(*hours) + std::chrono::minutes(*minutes);
}

std::string Format(std::chrono::minutes since_midnight) {
  return fmt::format("{:02}:{:02}", since_midnight.count() / 60, since_midnight.count() % 60);
}

}  // namespace

BackupWindow BackupWindow::Parse(std::string_view text) {
  if (text == "any")
    return Any();
  const auto dash = text.find('-');
  const auto start = ParseTimeOfDay(text.substr(0, dash));
  const auto end =
      dash == std::string_view::npos ? std::nullopt : ParseTimeOfDay(text.substr(dash + 1));
  if (!start || !end || *start == *end) {
    throw std::invalid_argument(
        "NEDLIA_BACKUP_WINDOW must be HH:MM-HH:MM in UTC (such as "
        "03:00-04:00), or any; not '" +
        std::string(text) + "'");
  }
  return BackupWindow(start, end);
}

bool BackupWindow::Contains(Timestamp time) const {
  if (!start_)
    return true;
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(
      time - std::chrono::floor<std::chrono::days>(time));
  if (*start_ < *end_)
    return since_midnight >= *start_ && since_midnight < *end_;
  return since_midnight >= *start_ || since_midnight < *end_;  // past midnight
}

std::chrono::minutes BackupWindow::Length() const {
  if (!start_)
    return std::chrono::minutes(0);
  const std::chrono::minutes day = std::chrono::hours(24);
  return (*end_ - *start_ + day) % day;
}

bool ScheduledBackupDue(std::optional<Timestamp> newest, Timestamp now, std::chrono::hours period,
                        const BackupWindow& window) {
  if (!newest)
    return true;
  const auto slack = std::chrono::minutes(5);
  return window.Contains(now) && now - *newest >= period - window.Length() - slack;
}

std::string BackupWindow::Describe() const {
  if (!start_)
    return "any time";
  return Format(*start_) + "-" + Format(*end_) + " UTC";
}

}  // namespace nedlia::backup
