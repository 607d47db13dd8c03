// Webhook URL and event type rules.
#include "domain/webhook_rules.hpp"

#include <gtest/gtest.h>

namespace nedlia::domain {
namespace {

/// Development: plain http to loopback, and loopback allowed; production: neither.
WebhookUrlRules Rules(bool development) {
  if (!development)
    return {};
  return {.allow_loopback_http = true, .egress = EgressPolicy::Development()};
}

bool Accepted(const std::string& url, bool development) {
  return ValidateWebhookUrl(url, Rules(development)).empty();
}

TEST(WebhookRulesTest, HttpsIsAcceptedEverywhere) {
  EXPECT_TRUE(Accepted("https://hooks.example.com/nedlia?x=1", false));
  EXPECT_TRUE(Accepted("https://hooks.example.com:8443/h", false));
  EXPECT_TRUE(Accepted("https://HOOKS.Example.COM./h", false));
  EXPECT_TRUE(Accepted("https://xn--mnchen-3ya.example/h", false));
  EXPECT_TRUE(Accepted("https://a-b_c.example.com/h", false));
}

TEST(WebhookRulesTest, IpAddressHostsAreRefusedUnlessInAnAllowedNetwork) {
  for (const char* url :
       {"https://8.8.8.8/h", "https://10.0.0.1/h", "https://169.254.169.254/latest/meta-data/",
        "https://[2001:db8::1]:8443/h", "https://[fd00:ec2::254]/h",
        "https://[::ffff:169.254.169.254]/", "https://0.0.0.0/", "https://[::]/",
        "https://100.64.0.1/", "https://192.168.1.1:8080/", "https://[fe80::1]/"}) {
    EXPECT_FALSE(Accepted(url, false)) << url;
    EXPECT_FALSE(Accepted(url, true)) << url << " (development allows loopback only)";
  }
  for (const char* url : {"https://127.0.0.1/h", "https://127.0.0.2:9/h", "https://[::1]/h",
                          "https://[::ffff:127.0.0.1]/"}) {
    EXPECT_FALSE(Accepted(url, false)) << url;
    EXPECT_TRUE(Accepted(url, true)) << url;
  }
}

TEST(WebhookRulesTest, NumbersThatParsersReadAsAddressesAreRefused) {
  // URL parsers (and curl) read these as IPv4 addresses: 127.0.0.1, 10.0.0.1, ...
  for (const char* url :
       {"https://2130706433/", "https://0x7f.1/", "https://0177.0.0.1/", "https://127.1/",
        "https://0x7f000001/", "https://10.0.0.1./", "https://a.b.0x10/", "https://example.123/",
        "https://[fe80::1%25eth0]/", "https://[::1/", "https://%31%32%37.0.0.1/",
        "https://exa mple.com/", "https://ex%61mple.com/", "https://b\u00fccher.example/"}) {
    EXPECT_FALSE(Accepted(url, true)) << url;
    EXPECT_FALSE(Accepted(url, false)) << url;
  }
}

TEST(WebhookRulesTest, InternalNamesAreRefusedWhereNoNonPublicNetworkIsAllowed) {
  for (const char* url :
       {"https://localhost/h", "https://LOCALHOST./h", "https://api.localhost/h",
        "https://metadata.google.internal/computeMetadata/v1/", "https://printer.local/",
        "https://webhooks/", "https://host.localdomain/", "https://router.home.arpa/",
        "https://nas.lan/", "https://db.corp/", "https://svc.intranet/"}) {
    const FieldErrors errors = ValidateWebhookUrl(url, Rules(false));
    ASSERT_EQ(errors.size(), 1u) << url;
    EXPECT_EQ(errors[0].pointer, "/url");
    EXPECT_TRUE(Accepted(url, true)) << url << " in development";
  }
}

TEST(WebhookRulesTest, PlainHttpOnlyToLoopbackInDevelopment) {
  for (const char* url : {"http://127.0.0.1:9000/h", "http://localhost/h", "http://[::1]/h"}) {
    EXPECT_TRUE(Accepted(url, true)) << url;
    EXPECT_FALSE(Accepted(url, false)) << url << " outside development";
  }
  EXPECT_FALSE(Accepted("http://hooks.example.com/h", true));
  EXPECT_FALSE(Accepted("http://127.0.0.1.evil.example/h", true));
  EXPECT_FALSE(Accepted("http://localhost.evil.example/h", true));
}

TEST(WebhookRulesTest, MalformedUrlsPointAtUrl) {
  for (const std::string& url :
       std::vector<std::string>{"", "hooks.example.com", "ftp://a.example", "https://",
                                "https://user:pw@a.example/", "https://a.example/#frag",
                                "https://a.example/ space", std::string("https://a.example/\x01"),
                                "https://a.example/" + std::string(kMaxWebhookUrl, 'a')}) {
    const FieldErrors errors = ValidateWebhookUrl(url, Rules(true));
    ASSERT_EQ(errors.size(), 1u) << url;
    EXPECT_EQ(errors[0].pointer, "/url");
  }
}

TEST(WebhookRulesTest, EventTypesMustBeSubscribableAndDistinct) {
  const std::vector<std::string> catalog = {"com.nedlia.a.v1", "com.nedlia.b.v1"};
  EXPECT_TRUE(ValidateWebhookEventTypes({"com.nedlia.a.v1"}, catalog).empty());
  EXPECT_EQ(ValidateWebhookEventTypes({}, catalog),
            (FieldErrors{{"/event_types", "must name at least one event type"}}));
  const FieldErrors errors =
      ValidateWebhookEventTypes({"com.nedlia.a.v1", "com.nedlia.x.v1", "com.nedlia.a.v1"}, catalog);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].pointer, "/event_types/1");
  EXPECT_EQ(errors[1].pointer, "/event_types/2");
}

}  // namespace
}  // namespace nedlia::domain
