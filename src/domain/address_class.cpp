#include "domain/address_class.hpp"

#include <algorithm>
#include <vector>

namespace nedlia::domain {
namespace {

struct Range {
  IpNetwork network;
  AddressClass address_class;
};

Range Of(std::string_view network, AddressClass address_class) {
  return {*ParseIpNetwork(network), address_class};
}

/// IANA's IPv4 special-purpose registry (RFC 6890 and its updates), the most specific first:
/// the first range that contains an address decides.
const std::vector<Range>& Ipv4Ranges() {
  static const std::vector<Range> kRanges = {
      // Instance metadata and credentials: AWS/GCP/Azure/OpenStack, ECS task credentials, EKS
      // pod identity, Alibaba Cloud, Oracle Cloud. Inside link-local, CGNAT or reserved space.
      Of("169.254.169.254/32", AddressClass::kMetadata),
      Of("169.254.170.2/32", AddressClass::kMetadata),
      Of("169.254.170.23/32", AddressClass::kMetadata),
      Of("100.100.100.200/32", AddressClass::kMetadata),
      Of("192.0.0.192/32", AddressClass::kMetadata),
      Of("255.255.255.255/32", AddressClass::kBroadcast),
      Of("0.0.0.0/8", AddressClass::kUnspecified),
      Of("10.0.0.0/8", AddressClass::kPrivate),
      Of("100.64.0.0/10", AddressClass::kSharedCgnat),
      Of("127.0.0.0/8", AddressClass::kLoopback),
      Of("169.254.0.0/16", AddressClass::kLinkLocal),
      Of("172.16.0.0/12", AddressClass::kPrivate),
      Of("192.0.0.0/24", AddressClass::kReserved),  // IETF protocol assignments
      Of("192.0.2.0/24", AddressClass::kDocumentation),
      Of("192.88.99.0/24", AddressClass::kReserved),  // the former 6to4 relay anycast
      Of("192.168.0.0/16", AddressClass::kPrivate),
      Of("198.18.0.0/15", AddressClass::kReserved),  // benchmarking
      Of("198.51.100.0/24", AddressClass::kDocumentation),
      Of("203.0.113.0/24", AddressClass::kDocumentation),
      Of("224.0.0.0/4", AddressClass::kMulticast),
      Of("240.0.0.0/4", AddressClass::kReserved),
  };
  return kRanges;
}

/// IANA's IPv6 special-purpose registry, the most specific first. The prefixes that embed an
/// IPv4 address are handled before this table (see EmbeddingClass).
const std::vector<Range>& Ipv6Ranges() {
  static const std::vector<Range> kRanges = {
      Of("fd00:ec2::254/128", AddressClass::kMetadata),  // AWS instance metadata over IPv6
      Of("fd00:ec2::23/128", AddressClass::kMetadata),   // EKS pod identity over IPv6
      Of("::/128", AddressClass::kUnspecified),
      Of("::1/128", AddressClass::kLoopback),
      Of("64:ff9b:1::/48", AddressClass::kReserved),  // NAT64 for local use: a private network
      Of("100::/64", AddressClass::kReserved),        // discard-only
      Of("2001:db8::/32", AddressClass::kDocumentation),
      Of("2001::/23", AddressClass::kReserved),  // IETF protocol assignments, Teredo among them
      Of("3fff::/20", AddressClass::kDocumentation),
      Of("5f00::/16", AddressClass::kReserved),  // SRv6 segment identifiers
      Of("fc00::/7", AddressClass::kUniqueLocal),
      Of("fe80::/10", AddressClass::kLinkLocal),
      Of("fec0::/10", AddressClass::kPrivate),  // site-local, deprecated
      Of("ff00::/8", AddressClass::kMulticast),
  };
  return kRanges;
}

std::optional<AddressClass> Lookup(const std::vector<Range>& ranges, const IpAddress& address) {
  const auto found = std::find_if(ranges.begin(), ranges.end(), [&](const Range& range) {
    return range.network.Contains(address);
  });
  if (found == ranges.end())
    return std::nullopt;
  return found->address_class;
}

AddressClass ClassifyIpv4(const IpAddress& address) {
  return Lookup(Ipv4Ranges(), address).value_or(AddressClass::kPublic);
}

/// The class of an IPv6 address that carries an IPv4 address to a host, or nullopt. A socket,
/// a NAT64 translator or a 6to4 relay delivers to the embedded address, so its class is the one
/// that counts.
std::optional<AddressClass> EmbeddingClass(const IpAddress& address) {
  static const IpNetwork kNat64 = *ParseIpNetwork("64:ff9b::/96");
  static const IpNetwork k6to4 = *ParseIpNetwork("2002::/16");
  static const IpNetwork kCompatible = *ParseIpNetwork("::/96");
  static const IpNetwork kUnspecifiedOrLoopback = *ParseIpNetwork("::/127");
  if (const auto mapped = MappedIpv4(address))
    return ClassifyIpv4(*mapped);
  if (kNat64.Contains(address))
    return ClassifyIpv4(EmbeddedIpv4(address, 12));
  if (k6to4.Contains(address))
    return ClassifyIpv4(EmbeddedIpv4(address, 2));
  // IPv4-compatible (::a.b.c.d, deprecated by RFC 4291): never a webhook's address, so never
  // public, but it keeps a more telling class (loopback, metadata, ...) when it has one.
  if (kCompatible.Contains(address) && !kUnspecifiedOrLoopback.Contains(address)) {
    const AddressClass embedded = ClassifyIpv4(EmbeddedIpv4(address, 12));
    const bool telling =
        embedded != AddressClass::kPublic && embedded != AddressClass::kUnspecified;
    return telling ? embedded : AddressClass::kReserved;
  }
  return std::nullopt;
}

AddressClass ClassifyIpv6(const IpAddress& address) {
  if (const auto embedded = EmbeddingClass(address))
    return *embedded;
  if (const auto special = Lookup(Ipv6Ranges(), address))
    return *special;
  // Only 2000::/3 is allocated for global unicast; the rest is reserved by the IETF.
  static const IpNetwork kGlobalUnicast = *ParseIpNetwork("2000::/3");
  return kGlobalUnicast.Contains(address) ? AddressClass::kPublic : AddressClass::kReserved;
}

}  // namespace

AddressClass ClassifyAddress(const IpAddress& address) {
  return address.family == IpAddress::Family::kV4 ? ClassifyIpv4(address) : ClassifyIpv6(address);
}

std::string_view AddressClassName(AddressClass address_class) {
  switch (address_class) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kLinkLocal:
      return "link_local";
    case AddressClass::kSharedCgnat:
      return "shared_cgnat";
    case AddressClass::kUniqueLocal:
      return "unique_local";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kDocumentation:
      return "documentation";
    case AddressClass::kReserved:
      return "reserved";
    case AddressClass::kMetadata:
      return "metadata";
  }
  return "reserved";
}

bool IsAlwaysRefused(AddressClass address_class) {
  return address_class == AddressClass::kMetadata || address_class == AddressClass::kUnspecified ||
         address_class == AddressClass::kMulticast || address_class == AddressClass::kBroadcast;
}

}  // namespace nedlia::domain
