// Webhook URL and event type rules.
#include "domain/webhook_rules.hpp"

#include <gtest/gtest.h>

namespace nedlia::domain {
namespace {

bool Accepted(const std::string& url, bool development) {
  return ValidateWebhookUrl(url, development).empty();
}

TEST(WebhookRulesTest, HttpsIsAcceptedEverywhere) {
  EXPECT_TRUE(Accepted("https://hooks.example.com/nedlia?x=1", false));
  EXPECT_TRUE(Accepted("https://[2001:db8::1]:8443/h", false));
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
    const FieldErrors errors = ValidateWebhookUrl(url, true);
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
