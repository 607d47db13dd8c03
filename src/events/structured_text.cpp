#include "events/structured_text.hpp"

#include <stdexcept>

#include "domain/date.hpp"

namespace nedlia::events {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

/// "{ members }" -> "members", trimmed; throws when `object` is not an object's text.
std::string_view Members(std::string_view object) {
  const std::size_t open = object.find_first_not_of(kSpace);
  const std::size_t close = object.find_last_not_of(kSpace);
  if (open == std::string_view::npos || object[open] != '{' || object[close] != '}')
    throw std::invalid_argument("event metadata is not a JSON object");
  std::string_view members = object.substr(open + 1, close - open - 1);
  const std::size_t first = members.find_first_not_of(kSpace);
  if (first == std::string_view::npos)
    return {};
  return members.substr(first, members.find_last_not_of(kSpace) - first + 1);
}

void AppendString(std::string& out, std::string_view name, const std::string& value) {
  out += '"';
  out += name;
  out += "\": ";
  out += nlohmann::json(value).dump();  // escapes what needs it
}

}  // namespace

std::string StructuredText(const StoredEvent& row, std::string_view attributes,
                           std::string_view data) {
  const std::string_view members = Members(attributes);
  std::string out;
  out.reserve(members.size() + data.size() + 160);
  out += R"({"specversion": "1.0", )";
  AppendString(out, "id", row.id.ToString());
  out += ", ";
  AppendString(out, "type", row.type);
  out += ", ";
  AppendString(out, "time", domain::FormatRfc3339(row.created_at_ms));
  if (!members.empty()) {
    out += ", ";
    out += members;
  }
  out += R"(, "data": )";
  out += data;
  out += '}';
  return out;
}

}  // namespace nedlia::events
