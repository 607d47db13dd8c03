// The senders' HTTP client: a thread keeps its connection to a receiver between deliveries,
// and a kept connection is checked against the egress policy like a new one.
#include "notifier/http_post.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "support/webhook_receiver.hpp"

namespace nedlia::notifier {
namespace {

using testing::WebhookReceiver;

SenderOptions WithEgress(domain::EgressPolicy egress) {
  SenderOptions options;
  options.connect_timeout = std::chrono::seconds(2);
  options.timeout = std::chrono::seconds(5);
  options.egress = std::move(egress);
  return options;
}

TEST(HttpPostTest, AThreadKeepsItsConnectionToAReceiver) {
  WebhookReceiver receiver;
  const SenderOptions options = WithEgress(domain::EgressPolicy::Development());
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(Post(receiver.Url("/kept"), {}, "{}", options).Succeeded());
  EXPECT_EQ(receiver.ConnectionsAccepted(), 1U) << "a handshake per delivery";
  std::thread([&] {
    EXPECT_TRUE(Post(receiver.Url("/kept"), {}, "{}", options).Succeeded());
  }).join();
  EXPECT_EQ(receiver.ConnectionsAccepted(), 2U) << "each sender thread has its own";
}

TEST(HttpPostTest, AKeptConnectionIsNotUsedWhereThePolicyRefusesItsAddress) {
  WebhookReceiver receiver;
  ASSERT_TRUE(Post(receiver.Url("/a"), {}, "{}", WithEgress(domain::EgressPolicy::Development()))
                  .Succeeded());
  const PostOutcome refused = Post(receiver.Url("/a"), {}, "{}", WithEgress({}));
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(*refused.error, domain::DeliveryError::kAddressRefused) << refused.detail;
  EXPECT_NE(refused.detail.find("127.0.0.1"), std::string::npos) << refused.detail;
  EXPECT_EQ(receiver.Received("/a").size(), 1U) << "the second request reached loopback";
}

}  // namespace
}  // namespace nedlia::notifier
