#include "domain/ip_address.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace nedlia::domain {
namespace {

/// A decimal number of at most `max_digits` digits, without a leading zero (which some parsers
/// read as octal), up to `max`.
std::optional<int> StrictDecimal(std::string_view text, std::size_t max_digits, int max) {
  if (text.empty() || text.size() > max_digits || (text.size() > 1 && text[0] == '0') ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > max)
    return std::nullopt;
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos)
      return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<IpAddress> ParseIpv4(std::string_view text) {
  const auto parts = Split(text, '.');
  if (parts.size() != 4)
    return std::nullopt;
  IpAddress address;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto octet = StrictDecimal(parts[i], 3, 255);
    if (!octet)
      return std::nullopt;
    address.bytes[i] = static_cast<std::uint8_t>(*octet);
  }
  return address;
}

/// Appends the 16-bit groups of `part` (groups separated by ':'; the last may be a dotted quad
/// when `may_end_in_ipv4`) to `groups`; false when malformed. An empty part has no groups.
bool AppendGroups(std::string_view part, bool may_end_in_ipv4, std::vector<std::uint16_t>& groups) {
  if (part.empty())
    return true;
  const auto texts = Split(part, ':');
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string_view text = texts[i];
    if (may_end_in_ipv4 && i + 1 == texts.size() && text.find('.') != std::string_view::npos) {
      const auto ipv4 = ParseIpv4(text);
      if (!ipv4)
        return false;
      groups.push_back(static_cast<std::uint16_t>(ipv4->bytes[0] << 8 | ipv4->bytes[1]));
      groups.push_back(static_cast<std::uint16_t>(ipv4->bytes[2] << 8 | ipv4->bytes[3]));
      return true;
    }
    std::uint16_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    if (text.empty() || text.size() > 4 || error != std::errc() || end != text.data() + text.size())
      return false;
    groups.push_back(value);
  }
  return true;
}

std::optional<IpAddress> ParseIpv6(std::string_view text) {
  const auto gap = text.find("::");
  const bool compressed = gap != std::string_view::npos;
  if (compressed && text.find("::", gap + 1) != std::string_view::npos)
    return std::nullopt;
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  const std::string_view head_text = compressed ? text.substr(0, gap) : text;
  const std::string_view tail_text = compressed ? text.substr(gap + 2) : std::string_view();
  if (!AppendGroups(head_text, !compressed, head) || !AppendGroups(tail_text, true, tail))
    return std::nullopt;
  const std::size_t count = head.size() + tail.size();
  if (compressed ? count > 7 : count != 8)
    return std::nullopt;
  std::vector<std::uint16_t> groups = head;
  groups.resize(8 - tail.size(), 0);
  groups.insert(groups.end(), tail.begin(), tail.end());
  IpAddress address{.family = IpAddress::Family::kV6, .bytes = {}};
  for (std::size_t i = 0; i < 8; ++i) {
    address.bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    address.bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xFF);
  }
  return address;
}

std::string Ipv4Text(const IpAddress& address) {
  return std::to_string(address.bytes[0]) + "." + std::to_string(address.bytes[1]) + "." +
         std::to_string(address.bytes[2]) + "." + std::to_string(address.bytes[3]);
}

std::string Ipv6Text(const IpAddress& address) {
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i)
    groups[i] = static_cast<unsigned>(address.bytes[2 * i] << 8 | address.bytes[2 * i + 1]);
  // RFC 5952: the longest run of two or more zero groups (the first of equals) becomes "::".
  std::size_t best_start = 8, best_length = 1;
  for (std::size_t start = 0; start < 8;) {
    std::size_t end = start;
    while (end < 8 && groups[end] == 0)
      ++end;
    if (end - start > best_length) {
      best_start = start;
      best_length = end - start;
    }
    start = end == start ? start + 1 : end;
  }
  std::string text;
  char buffer[4];
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      text += "::";
      i += best_length - 1;
      continue;
    }
    if (!text.empty() && !text.ends_with(':'))
      text += ':';
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, groups[i], 16).ptr;
    text.append(buffer, end);
  }
  return text;
}

}  // namespace

IpAddress IpAddress::V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return IpAddress{.family = Family::kV4, .bytes = {a, b, c, d}};
}

IpAddress IpAddress::V6(const std::array<std::uint8_t, 16>& bytes) {
  return IpAddress{.family = Family::kV6, .bytes = bytes};
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  if (text.find(':') != std::string_view::npos)
    return ParseIpv6(text);
  return ParseIpv4(text);
}

std::string ToString(const IpAddress& address) {
  return address.family == IpAddress::Family::kV4 ? Ipv4Text(address) : Ipv6Text(address);
}

std::optional<IpAddress> MappedIpv4(const IpAddress& address) {
  if (address.family != IpAddress::Family::kV6)
    return std::nullopt;
  const bool zeros = std::all_of(address.bytes.begin(), address.bytes.begin() + 10,
                                 [](std::uint8_t byte) { return byte == 0; });
  if (!zeros || address.bytes[10] != 0xFF || address.bytes[11] != 0xFF)
    return std::nullopt;
  return EmbeddedIpv4(address, 12);
}

IpAddress EmbeddedIpv4(const IpAddress& address, std::size_t offset) {
  return IpAddress::V4(address.bytes[offset], address.bytes[offset + 1], address.bytes[offset + 2],
                       address.bytes[offset + 3]);
}

bool IpNetwork::Contains(const IpAddress& address) const {
  if (address.family != base.family)
    return false;
  const auto whole = static_cast<std::size_t>(prefix_length / 8);
  if (!std::equal(base.bytes.begin(), base.bytes.begin() + static_cast<long>(whole),
                  address.bytes.begin()))
    return false;
  const int bits = prefix_length % 8;
  if (bits == 0)
    return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits));
  return (base.bytes[whole] & mask) == (address.bytes[whole] & mask);
}

std::optional<IpNetwork> ParseIpNetwork(std::string_view text) {
  const auto slash = text.find('/');
  const auto base = ParseIpAddress(text.substr(0, slash));
  if (!base)
    return std::nullopt;
  const int full = static_cast<int>(base->Size() * 8);
  IpNetwork network{.base = *base, .prefix_length = full};
  if (slash != std::string_view::npos) {
    const auto length = StrictDecimal(text.substr(slash + 1), 3, full);
    if (!length)
      return std::nullopt;
    network.prefix_length = *length;
  }
  // The bits past the prefix must be zero: the network equals its own base masked.
  IpNetwork masked = network;
  for (std::size_t i = 0; i < base->Size(); ++i) {
    const int kept = std::clamp(network.prefix_length - static_cast<int>(i) * 8, 0, 8);
    masked.base.bytes[i] &= static_cast<std::uint8_t>(0xFF << (8 - kept));
  }
  if (masked.base != network.base)
    return std::nullopt;
  return network;
}

}  // namespace nedlia::domain
