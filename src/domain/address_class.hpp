#pragma once

#include <string_view>

#include "domain/ip_address.hpp"

namespace nedlia::domain {

/// What kind of network an address belongs to, for deciding whether a webhook may connect to it
/// (server-side request forgery). IANA's special-purpose address registries, plus the cloud
/// metadata services, which sit inside them.
enum class AddressClass {
  kPublic,         ///< globally routable unicast
  kLoopback,       ///< 127.0.0.0/8, ::1
  kPrivate,        ///< 10/8, 172.16/12, 192.168/16, fec0::/10 (deprecated site-local)
  kLinkLocal,      ///< 169.254/16, fe80::/10
  kSharedCgnat,    ///< 100.64/10, carrier-grade NAT
  kUniqueLocal,    ///< fc00::/7
  kMulticast,      ///< 224/4, ff00::/8
  kUnspecified,    ///< 0.0.0.0/8 ("this network": 0.0.0.0 reaches the local host), ::
  kBroadcast,      ///< 255.255.255.255
  kDocumentation,  ///< 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  kReserved,       ///< protocol assignments, benchmarking, 240/4, unallocated IPv6, ...
  kMetadata,  ///< cloud instance metadata and credentials (169.254.169.254, fd00:ec2::254, ...)
};

/// The class of `address`. IPv6 forms that carry an IPv4 address to a host (IPv4-mapped,
/// IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) take the class of that IPv4 address, so
/// ::ffff:127.0.0.1 is loopback and 64:ff9b::a9fe:a9fe is the metadata service. A pure function:
/// the single place that knows the ranges.
AddressClass ClassifyAddress(const IpAddress& address);

/// "public", "loopback", "private", "link_local", ...: for logs.
std::string_view AddressClassName(AddressClass address_class);

/// Classes no setting may allow: nothing legitimate listens there for a webhook, and the
/// metadata services hand out the machine's credentials.
bool IsAlwaysRefused(AddressClass address_class);

}  // namespace nedlia::domain
