// IP addresses and networks as the platform reads them from outside: the host of a webhook URL
// (which decides whether a tenant may make the platform connect there) and the networks of
// NEDLIA_WEBHOOK_ALLOWED_NETWORKS. An address that reads must read back from its text as the
// same bytes that inet_pton gives, and a network must contain its own base.
#include "domain/ip_address.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/address_class.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

/// What the C library makes of the text, for the family it would be in.
std::optional<std::array<std::uint8_t, 16>> Pton(const std::string& text, bool v6) {
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), bytes.data()) != 1)
    return std::nullopt;
  return bytes;
}

void CheckAddress(const std::string& text) {
  const auto address = domain::ParseIpAddress(text);
  if (!address)
    return;
  const bool v6 = address->family == domain::IpAddress::Family::kV6;
  if (const auto reference = Pton(text, v6))
    Check(*reference == address->bytes, "an address has the bytes inet_pton gives it");
  const std::string written = domain::ToString(*address);
  Check(domain::ParseIpAddress(written) == address, "an address reads back from its text");
  Check(domain::ToString(*domain::ParseIpAddress(written)) == written, "its text is canonical");
  (void)domain::AddressClassName(domain::ClassifyAddress(*address));
  if (const auto mapped = domain::MappedIpv4(*address))
    Check(domain::ClassifyAddress(*mapped) == domain::ClassifyAddress(*address),
          "an IPv4-mapped address is of its IPv4 address's class");
}

void CheckNetwork(const std::string& text) {
  const auto network = domain::ParseIpNetwork(text);
  if (!network)
    return;
  Check(network->prefix_length >= 0 &&
            static_cast<std::size_t>(network->prefix_length) <= network->base.Size() * 8,
        "a prefix fits its family");
  Check(network->Contains(network->base), "a network contains its base");
  const std::string written =
      domain::ToString(network->base) + "/" + std::to_string(network->prefix_length);
  const auto again = domain::ParseIpNetwork(written);
  Check(again && again->base == network->base && again->prefix_length == network->prefix_length,
        "a network reads back from its text");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string text(AsText(data, size));
  CheckAddress(text);
  CheckNetwork(text);
  return 0;
}
