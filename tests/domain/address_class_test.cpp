// The SSRF classifier: every special-purpose range, its edges, the IPv6 forms that embed an
// IPv4 address, and the egress policy built on it. Pure values: nothing here connects.
#include "domain/address_class.hpp"

#include <gtest/gtest.h>

#include "domain/egress_policy.hpp"
#include "domain/ip_address.hpp"

namespace nedlia::domain {
namespace {

IpAddress Ip(std::string_view text) {
  const auto address = ParseIpAddress(text);
  EXPECT_TRUE(address) << text;
  return address.value_or(IpAddress{});
}

AddressClass ClassOf(std::string_view text) {
  return ClassifyAddress(Ip(text));
}

struct Expectation {
  const char* address;
  AddressClass expected;
};

void ExpectClasses(const std::vector<Expectation>& cases) {
  for (const auto& [address, expected] : cases) {
    EXPECT_EQ(AddressClassName(ClassOf(address)), AddressClassName(expected)) << address;
  }
}

TEST(IpAddressTest, ParsesDottedQuadsStrictly) {
  EXPECT_EQ(Ip("192.168.1.20"), IpAddress::V4(192, 168, 1, 20));
  EXPECT_EQ(Ip("0.0.0.0"), IpAddress::V4(0, 0, 0, 0));
  EXPECT_EQ(Ip("255.255.255.255"), IpAddress::V4(255, 255, 255, 255));
  // The forms inet_aton and URL parsers read as other addresses are not addresses here.
  for (const char* text :
       {"127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "127.0.0.01", "256.0.0.1", "1.2.3.4.",
        "1.2.3", "1..2.3", "", " 1.2.3.4", "1.2.3.-4"}) {
    EXPECT_FALSE(ParseIpAddress(text)) << text;
  }
}

TEST(IpAddressTest, ParsesIpv6TextForms) {
  EXPECT_EQ(ToString(Ip("::")), "::");
  EXPECT_EQ(ToString(Ip("::1")), "::1");
  EXPECT_EQ(ToString(Ip("FE80::1")), "fe80::1");
  EXPECT_EQ(ToString(Ip("2001:db8:0:0:1:0:0:1")), "2001:db8::1:0:0:1");
  EXPECT_EQ(ToString(Ip("::ffff:127.0.0.1")), "::ffff:7f00:1");
  EXPECT_EQ(ToString(Ip("1:2:3:4:5:6:7:8")), "1:2:3:4:5:6:7:8");
  EXPECT_EQ(ToString(Ip("10.1.2.3")), "10.1.2.3");
  EXPECT_EQ(Ip("::ffff:7f00:1"), Ip("::ffff:127.0.0.1"));
  for (const char* text : {":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "fe80::1%eth0",
                           "::ffff:1.2.3", "[::1]", "1:2:3:4:5:6:7:8::", "g::1", ":1::", "1::2:"}) {
    EXPECT_FALSE(ParseIpAddress(text)) << text;
  }
}

TEST(IpAddressTest, NetworksContainTheirRangeOnly) {
  const auto ten = ParseIpNetwork("10.0.0.0/8");
  ASSERT_TRUE(ten);
  EXPECT_TRUE(ten->Contains(Ip("10.0.0.0")));
  EXPECT_TRUE(ten->Contains(Ip("10.255.255.255")));
  EXPECT_FALSE(ten->Contains(Ip("11.0.0.0")));
  EXPECT_FALSE(ten->Contains(Ip("9.255.255.255")));
  EXPECT_FALSE(ten->Contains(Ip("::ffff:10.0.0.1"))) << "families never mix";
  const auto ula = ParseIpNetwork("fc00::/7");
  ASSERT_TRUE(ula);
  EXPECT_TRUE(ula->Contains(Ip("fdff:ffff::1")));
  EXPECT_FALSE(ula->Contains(Ip("fe00::1")));
  EXPECT_TRUE(ParseIpNetwork("0.0.0.0/0")->Contains(Ip("8.8.8.8")));
  EXPECT_TRUE(ParseIpNetwork("192.0.2.7")->Contains(Ip("192.0.2.7"))) << "a bare address: /32";
  EXPECT_FALSE(ParseIpNetwork("192.0.2.7")->Contains(Ip("192.0.2.8")));
  for (const char* text : {"10.0.0.1/8", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "/8",
                           "10.0.0.0/08", "example.com/8"}) {
    EXPECT_FALSE(ParseIpNetwork(text)) << text;
  }
}

TEST(AddressClassTest, Ipv4SpecialRangesAndTheirEdges) {
  ExpectClasses({
      {"0.0.0.0", AddressClass::kUnspecified},
      {"0.255.255.255", AddressClass::kUnspecified},
      {"1.0.0.0", AddressClass::kPublic},
      {"9.255.255.255", AddressClass::kPublic},
      {"10.0.0.0", AddressClass::kPrivate},
      {"10.255.255.255", AddressClass::kPrivate},
      {"11.0.0.0", AddressClass::kPublic},
      {"100.63.255.255", AddressClass::kPublic},
      {"100.64.0.0", AddressClass::kSharedCgnat},
      {"100.127.255.255", AddressClass::kSharedCgnat},
      {"100.128.0.0", AddressClass::kPublic},
      {"126.255.255.255", AddressClass::kPublic},
      {"127.0.0.0", AddressClass::kLoopback},
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.0.0.2", AddressClass::kLoopback},
      {"127.255.255.255", AddressClass::kLoopback},
      {"128.0.0.0", AddressClass::kPublic},
      {"169.253.255.255", AddressClass::kPublic},
      {"169.254.0.0", AddressClass::kLinkLocal},
      {"169.254.169.253", AddressClass::kLinkLocal},
      {"169.254.169.254", AddressClass::kMetadata},
      {"169.254.169.255", AddressClass::kLinkLocal},
      {"169.254.170.2", AddressClass::kMetadata},
      {"169.254.170.23", AddressClass::kMetadata},
      {"169.254.255.255", AddressClass::kLinkLocal},
      {"169.255.0.0", AddressClass::kPublic},
      {"172.15.255.255", AddressClass::kPublic},
      {"172.16.0.0", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"172.32.0.0", AddressClass::kPublic},
      {"192.0.0.0", AddressClass::kReserved},
      {"192.0.0.255", AddressClass::kReserved},
      {"192.0.1.0", AddressClass::kPublic},
      {"192.0.2.0", AddressClass::kDocumentation},
      {"192.0.2.255", AddressClass::kDocumentation},
      {"192.0.3.0", AddressClass::kPublic},
      {"192.88.99.1", AddressClass::kReserved},
      {"192.167.255.255", AddressClass::kPublic},
      {"192.168.0.0", AddressClass::kPrivate},
      {"192.168.255.255", AddressClass::kPrivate},
      {"192.169.0.0", AddressClass::kPublic},
      {"198.17.255.255", AddressClass::kPublic},
      {"198.18.0.0", AddressClass::kReserved},
      {"198.19.255.255", AddressClass::kReserved},
      {"198.20.0.0", AddressClass::kPublic},
      {"198.51.100.1", AddressClass::kDocumentation},
      {"203.0.113.1", AddressClass::kDocumentation},
      {"100.100.100.200", AddressClass::kMetadata},
      {"223.255.255.255", AddressClass::kPublic},
      {"224.0.0.0", AddressClass::kMulticast},
      {"239.255.255.255", AddressClass::kMulticast},
      {"240.0.0.0", AddressClass::kReserved},
      {"255.255.255.254", AddressClass::kReserved},
      {"255.255.255.255", AddressClass::kBroadcast},
      {"8.8.8.8", AddressClass::kPublic},
      {"93.184.216.34", AddressClass::kPublic},
  });
}

TEST(AddressClassTest, Ipv6SpecialRangesAndTheirEdges) {
  ExpectClasses({
      {"::", AddressClass::kUnspecified},
      {"::1", AddressClass::kLoopback},
      {"::2", AddressClass::kReserved},
      {"fe80::", AddressClass::kLinkLocal},
      {"fe80::1", AddressClass::kLinkLocal},
      {"febf:ffff::1", AddressClass::kLinkLocal},
      {"fec0::1", AddressClass::kPrivate},
      {"fc00::", AddressClass::kUniqueLocal},
      {"fd12:3456::1", AddressClass::kUniqueLocal},
      {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AddressClass::kUniqueLocal},
      {"fd00:ec2::254", AddressClass::kMetadata},
      {"fd00:ec2::23", AddressClass::kMetadata},
      {"fd00:ec2::255", AddressClass::kUniqueLocal},
      {"ff00::", AddressClass::kMulticast},
      {"ff02::1", AddressClass::kMulticast},
      {"2001:db8::1", AddressClass::kDocumentation},
      {"2001:db8:ffff::1", AddressClass::kDocumentation},
      {"2001:db9::1", AddressClass::kPublic},
      {"3fff::1", AddressClass::kDocumentation},
      {"2001::1", AddressClass::kReserved},
      {"2001:1ff:ffff::1", AddressClass::kReserved},
      {"2001:200::1", AddressClass::kPublic},
      {"100::1", AddressClass::kReserved},
      {"64:ff9b:1::1", AddressClass::kReserved},
      {"5f00::1", AddressClass::kReserved},
      {"2a00:1450:4001:80b::200e", AddressClass::kPublic},
      {"2606:4700::1111", AddressClass::kPublic},
      {"1fff:ffff::1", AddressClass::kReserved},
      {"4000::1", AddressClass::kReserved},
      {"e000::1", AddressClass::kReserved},
  });
}

TEST(AddressClassTest, Ipv6FormsOfIpv4AddressesAreClassifiedByTheIpv4Address) {
  ExpectClasses({
      // IPv4-mapped: the kernel connects to the IPv4 address itself.
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:169.254.169.254", AddressClass::kMetadata},
      {"::ffff:10.1.2.3", AddressClass::kPrivate},
      {"::ffff:0.0.0.0", AddressClass::kUnspecified},
      {"::ffff:255.255.255.255", AddressClass::kBroadcast},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"::ffff:7f00:1", AddressClass::kLoopback},
      // IPv4-compatible (deprecated): never public, whatever it embeds.
      {"::127.0.0.1", AddressClass::kLoopback},
      {"::169.254.169.254", AddressClass::kMetadata},
      {"::192.168.0.1", AddressClass::kPrivate},
      {"::8.8.8.8", AddressClass::kReserved},
      // NAT64's well-known prefix: the translator connects to the embedded address.
      {"64:ff9b::127.0.0.1", AddressClass::kLoopback},
      {"64:ff9b::a9fe:a9fe", AddressClass::kMetadata},
      {"64:ff9b::10.0.0.1", AddressClass::kPrivate},
      {"64:ff9b::8.8.8.8", AddressClass::kPublic},
      // 6to4: the relay tunnels to the embedded address.
      {"2002:7f00:1::", AddressClass::kLoopback},
      {"2002:a9fe:a9fe::1", AddressClass::kMetadata},
      {"2002:c0a8:101::1", AddressClass::kPrivate},
      {"2002:808:808::1", AddressClass::kPublic},
  });
}

TEST(EgressPolicyTest, WithNothingAllowedOnlyPublicAddressesPass) {
  const EgressPolicy production;
  EXPECT_FALSE(production.AllowsNonPublic());
  for (const char* address : {"8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8"})
    EXPECT_TRUE(production.Permits(Ip(address))) << address;
  for (const char* address : {"127.0.0.1",         "127.0.0.2",        "::1",
                              "10.0.0.1",          "172.16.0.1",       "192.168.1.1",
                              "169.254.1.1",       "169.254.169.254",  "100.64.0.1",
                              "fd00::1",           "fe80::1",          "fd00:ec2::254",
                              "224.0.0.1",         "0.0.0.0",          "::",
                              "255.255.255.255",   "192.0.2.1",        "2001:db8::1",
                              "240.0.0.1",         "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                              "64:ff9b::10.0.0.1", "2002:7f00:1::"}) {
    EXPECT_FALSE(production.Permits(Ip(address))) << address;
  }
}

TEST(EgressPolicyTest, DevelopmentAllowsLoopbackAndNothingElse) {
  const EgressPolicy development = EgressPolicy::Development();
  EXPECT_TRUE(development.AllowsNonPublic());
  for (const char* address : {"127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1", "8.8.8.8"})
    EXPECT_TRUE(development.Permits(Ip(address))) << address;
  for (const char* address : {"10.0.0.1", "169.254.169.254", "fd00::1", "0.0.0.0", "::"})
    EXPECT_FALSE(development.Permits(Ip(address))) << address;
  EXPECT_TRUE(development.AllowsExplicitly(Ip("127.0.0.1")));
  EXPECT_FALSE(development.AllowsExplicitly(Ip("8.8.8.8"))) << "public, not in the allow-list";
}

TEST(EgressPolicyTest, AnAllowListNeverOpensMetadataMulticastUnspecifiedOrBroadcast) {
  EgressPolicy policy;
  for (const char* network : {"0.0.0.0/0", "::/0"})
    policy.allowed.push_back(*ParseIpNetwork(network));
  EXPECT_TRUE(policy.Permits(Ip("10.1.2.3")));
  EXPECT_TRUE(policy.Permits(Ip("fd00::1")));
  EXPECT_TRUE(policy.Permits(Ip("169.254.1.1")));
  for (const char* address :
       {"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "100.100.100.200",
        "224.0.0.1", "ff02::1", "0.0.0.0", "0.1.2.3", "::", "255.255.255.255"}) {
    EXPECT_FALSE(policy.Permits(Ip(address))) << address;
  }
}

TEST(EgressPolicyTest, AllowedNetworksAreMatchedExactly) {
  EgressPolicy policy;
  policy.allowed.push_back(*ParseIpNetwork("10.20.0.0/16"));
  EXPECT_TRUE(policy.Permits(Ip("10.20.5.5")));
  EXPECT_TRUE(policy.Permits(Ip("::ffff:10.20.5.5"))) << "the mapped form is the same host";
  EXPECT_FALSE(policy.Permits(Ip("10.21.0.1")));
  EXPECT_FALSE(policy.Permits(Ip("64:ff9b::10.20.5.5"))) << "a translator's address is not";
  EXPECT_FALSE(policy.Permits(Ip("127.0.0.1")));
}

}  // namespace
}  // namespace nedlia::domain
