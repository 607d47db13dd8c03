#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nedlia::domain {

/// An IPv4 or IPv6 address as the bytes a socket connects to (network order).
struct IpAddress {
  enum class Family { kV4, kV6 };

  Family family = Family::kV4;
  std::array<std::uint8_t, 16> bytes{};  ///< an IPv4 address uses the first 4

  static IpAddress V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
  static IpAddress V6(const std::array<std::uint8_t, 16>& bytes);
  /// 4 or 16.
  std::size_t Size() const { return family == Family::kV4 ? 4 : 16; }

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

/// A dotted quad of four decimal numbers (no leading zeros), or IPv6 text (RFC 4291, with "::"
/// and a dotted-quad tail; no zone id). Anything else, including the shorthand forms that
/// inet_aton and URL parsers read as addresses ("127.1", "0x7f.1", "2130706433"), is nullopt.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

/// Dotted quad, or RFC 5952 IPv6 text (lowercase, the longest run of zeros as "::").
std::string ToString(const IpAddress& address);

/// The IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d): a socket connecting to
/// one reaches that IPv4 host. nullopt for anything else.
std::optional<IpAddress> MappedIpv4(const IpAddress& address);

/// The IPv4 address in bytes [offset, offset + 4) of an IPv6 address.
IpAddress EmbeddedIpv4(const IpAddress& address, std::size_t offset);

/// A block of addresses: those whose first `prefix_length` bits are the base's.
struct IpNetwork {
  IpAddress base;
  int prefix_length = 0;

  /// Same family and the same leading bits; an IPv4 network never contains an IPv6 address.
  bool Contains(const IpAddress& address) const;
};

/// "10.0.0.0/8", "fd00::/8", or a bare address (a network of one). The bits past the prefix
/// must be zero, so that a typo such as 10.0.0.1/8 is refused rather than guessed at.
std::optional<IpNetwork> ParseIpNetwork(std::string_view text);

}  // namespace nedlia::domain
