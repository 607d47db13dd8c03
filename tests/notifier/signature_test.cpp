// Standard Webhooks signatures and the notifier's settings, without a database.
#include "notifier/signature.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "app/webhook_secret.hpp"
#include "notifier/notifier_options.hpp"

namespace nedlia::notifier {
namespace {

TEST(SignatureTest, MatchesTheStandardWebhooksSpecificationExample) {
  // The example of the specification's reference libraries (standard-webhooks, Svix).
  EXPECT_EQ(SignatureOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                        1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(SignatureTest, AgreesWithAnIndependentHmacOverAGeneratedSecret) {
  const std::string secret = app::NewWebhookSecret();
  ASSERT_TRUE(secret.starts_with("whsec_"));
  const std::string encoded = secret.substr(6);
  std::array<unsigned char, 64> key{};
  const int decoded = EVP_DecodeBlock(
      key.data(), reinterpret_cast<const unsigned char*>(encoded.data()), int(encoded.size()));
  ASSERT_EQ(decoded - (encoded.ends_with("=") ? 1 : 0), 32) << "32 random bytes";
  const std::string content = R"(id-1.1700000000.{"a":1})";
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), 32, reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac.data(), &length);
  std::array<unsigned char, 64> text{};
  EVP_EncodeBlock(text.data(), mac.data(), int(length));
  EXPECT_EQ(SignatureOf(secret, "id-1", 1700000000, R"({"a":1})"),
            "v1," + std::string(reinterpret_cast<const char*>(text.data())));
}

TEST(SignatureTest, EveryPartIsSigned) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string base = SignatureOf(secret, "id", 1, "{}");
  EXPECT_NE(SignatureOf(secret, "id2", 1, "{}"), base);
  EXPECT_NE(SignatureOf(secret, "id", 2, "{}"), base);
  EXPECT_NE(SignatureOf(secret, "id", 1, "{ }"), base);
  EXPECT_NE(SignatureOf(app::NewWebhookSecret(), "id", 1, "{}"), base);
}

TEST(SignatureTest, AMalformedSecretIsRefused) {
  EXPECT_THROW(SignatureOf("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "id", 1, "{}"), InvalidSecret);
  EXPECT_THROW(SignatureOf("whsec_abc", "id", 1, "{}"), InvalidSecret);
  EXPECT_THROW(SignatureOf("whsec_", "id", 1, "{}"), InvalidSecret);
}

TEST(RetryScheduleTest, ParsesUnitsAndRefusesGarbage) {
  using std::chrono::milliseconds;
  EXPECT_EQ(ParseRetrySchedule("5s,5m,2h,50ms"),
            (std::vector<milliseconds>{milliseconds(5000), milliseconds(300000),
                                       milliseconds(7200000), milliseconds(50)}));
  EXPECT_TRUE(ParseRetrySchedule("").empty());
  EXPECT_THROW(ParseRetrySchedule("5"), std::invalid_argument);
  EXPECT_THROW(ParseRetrySchedule("5s,,5s"), std::invalid_argument);
  EXPECT_THROW(ParseRetrySchedule("-5s"), std::invalid_argument);
  EXPECT_THROW(ParseRetrySchedule("5d"), std::invalid_argument);
}

}  // namespace
}  // namespace nedlia::notifier
