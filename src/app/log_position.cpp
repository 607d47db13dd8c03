#include <charconv>
#include <limits>

#include "app/ports/event_feed.hpp"

namespace nedlia::app {

LogPosition LogPosition::Through(std::int64_t sequence, std::uint64_t transaction_id) {
  return {.transaction_id = transaction_id,
          .position = std::numeric_limits<std::int64_t>::max(),
          .sequence = sequence};
}

std::string LogPosition::ToString() const {
  return std::to_string(transaction_id) + "-" + std::to_string(position);
}

std::optional<LogPosition> LogPosition::Parse(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size())
    return std::nullopt;
  LogPosition at;
  const char* end = text.data() + dash;
  const auto [rest, error] = std::from_chars(text.data(), end, at.transaction_id);
  if (error != std::errc() || rest != end)
    return std::nullopt;
  end = text.data() + text.size();
  const auto [tail, fault] = std::from_chars(text.data() + dash + 1, end, at.position);
  if (fault != std::errc() || tail != end || at.position < 0)
    return std::nullopt;
  return at;
}

}  // namespace nedlia::app
