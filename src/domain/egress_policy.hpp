#pragma once

#include <vector>

#include "domain/ip_address.hpp"

namespace nedlia::domain {

/// Which addresses the platform's outgoing connections on a tenant's behalf (webhooks) may
/// reach: public addresses, plus the non-public networks the operator allowed explicitly.
struct EgressPolicy {
  /// Non-public networks allowed on purpose (loopback for local receivers in development, a
  /// partner's private link, ...). Never opens the classes IsAlwaysRefused names.
  std::vector<IpNetwork> allowed;

  /// Loopback only: 127.0.0.0/8 and ::1, for a receiver on the developer's machine.
  static EgressPolicy Development();

  /// Whether a connection to `address` may be made: a public address, or one inside an allowed
  /// network (an IPv4-mapped address counts as its IPv4 address).
  bool Permits(const IpAddress& address) const;
  /// Whether `address` is inside an allowed network, and not of a class that is always refused.
  bool AllowsExplicitly(const IpAddress& address) const;
  /// Whether any non-public network is allowed at all.
  bool AllowsNonPublic() const { return !allowed.empty(); }
};

}  // namespace nedlia::domain
