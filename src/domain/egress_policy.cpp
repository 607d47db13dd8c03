#include "domain/egress_policy.hpp"

#include <algorithm>

#include "domain/address_class.hpp"

namespace nedlia::domain {

EgressPolicy EgressPolicy::Development() {
  return {.allowed = {*ParseIpNetwork("127.0.0.0/8"), *ParseIpNetwork("::1/128")}};
}

bool EgressPolicy::Permits(const IpAddress& address) const {
  return ClassifyAddress(address) == AddressClass::kPublic || AllowsExplicitly(address);
}

bool EgressPolicy::AllowsExplicitly(const IpAddress& address) const {
  if (IsAlwaysRefused(ClassifyAddress(address)))
    return false;
  // A socket connecting to ::ffff:a.b.c.d reaches a.b.c.d: the allow-list speaks of that host.
  const IpAddress host = MappedIpv4(address).value_or(address);
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const IpNetwork& network) { return network.Contains(host); });
}

}  // namespace nedlia::domain
