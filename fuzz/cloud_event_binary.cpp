// CloudEvents in the HTTP binary content mode (attributes as ce-* header fields, the data as
// the body): the input is header lines "Name: value", an empty line, then the body. A decoded
// event must encode back to the same event, in binary and in structured mode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "events/cloud_event.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::pair<Headers, std::string> MessageOf(std::string_view text) {
  Headers headers;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.ends_with('\r'))
      line.remove_suffix(1);
    if (line.empty())
      break;
    const std::size_t colon = line.find(':');
    std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (value.starts_with(' '))
      value.remove_prefix(1);
    headers.emplace_back(line.substr(0, colon), value);
  }
  return {std::move(headers), std::string(text)};
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  using nedlia::events::CloudEvent;
  const auto [headers, body] = MessageOf(AsText(data, size));
  const auto event = ParseOr<nedlia::events::InvalidCloudEvent>(
      [&] { return nedlia::events::FromHttpBinary(headers, body); });
  if (!event)
    return 0;
  const nedlia::events::BinaryMessage message = nedlia::events::ToHttpBinary(*event);
  Check(nedlia::events::FromHttpBinary(message.headers, message.body) == *event,
        "binary mode round-trips");
  Check(nedlia::events::FromStructured(nedlia::events::ToStructured(*event)) == *event,
        "a binary-mode event has the same structured form");
  return 0;
}
