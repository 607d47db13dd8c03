// Settings read from the environment: the webhook ones and the NATS stream's.
#include "cli/settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "domain/ip_address.hpp"

namespace nedlia::cli {
namespace {

/// Sets environment variables for one test and removes them after it.
class Environment {
 public:
  ~Environment() {
    for (const std::string& name : names_)
      unsetenv(name.c_str());
  }
  void Set(const std::string& name, const std::string& value) {
    setenv(name.c_str(), value.c_str(), 1);
    names_.push_back(name);
  }

 private:
  std::vector<std::string> names_;
};

domain::IpAddress Ip(const char* text) {
  return *domain::ParseIpAddress(text);
}

TEST(SettingsTest, DevelopmentWebhooksMayReachLoopbackOnly) {
  Environment environment;
  environment.Set("NEDLIA_ENVIRONMENT", "development");
  const domain::EgressPolicy egress = Settings::FromEnvironment().WebhookEgress();
  EXPECT_TRUE(egress.Permits(Ip("127.0.0.1")));
  EXPECT_TRUE(egress.Permits(Ip("::1")));
  EXPECT_FALSE(egress.Permits(Ip("10.0.0.1")));
}

TEST(SettingsTest, ProductionWebhooksMayReachNoNonPublicNetwork) {
  Environment environment;
  environment.Set("NEDLIA_ENVIRONMENT", "production");
  const domain::EgressPolicy egress = Settings::FromEnvironment().WebhookEgress();
  EXPECT_FALSE(egress.AllowsNonPublic());
  EXPECT_FALSE(egress.Permits(Ip("127.0.0.1")));
  EXPECT_TRUE(egress.Permits(Ip("8.8.8.8")));
}

TEST(SettingsTest, AllowedNetworksReplaceTheEnvironmentsDefault) {
  Environment environment;
  environment.Set("NEDLIA_ENVIRONMENT", "production");
  environment.Set("NEDLIA_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16, fd12::/16");
  const domain::EgressPolicy egress = Settings::FromEnvironment().WebhookEgress();
  EXPECT_TRUE(egress.Permits(Ip("10.20.1.1")));
  EXPECT_TRUE(egress.Permits(Ip("fd12::1")));
  EXPECT_FALSE(egress.Permits(Ip("10.21.1.1")));
  EXPECT_FALSE(egress.Permits(Ip("127.0.0.1")));

  environment.Set("NEDLIA_ENVIRONMENT", "development");
  environment.Set("NEDLIA_WEBHOOK_ALLOWED_NETWORKS", "none");
  EXPECT_FALSE(Settings::FromEnvironment().WebhookEgress().Permits(Ip("127.0.0.1")))
      << "development can try production's rule";
}

TEST(SettingsTest, MalformedAllowedNetworksAreRefusedByName) {
  for (const char* value : {"10.0.0.1/8", "10.0.0.0/8,", "localhost", "10.0.0.0/33"}) {
    Environment environment;
    environment.Set("NEDLIA_WEBHOOK_ALLOWED_NETWORKS", value);
    try {
      Settings::FromEnvironment();
      ADD_FAILURE() << value << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("NEDLIA_WEBHOOK_ALLOWED_NETWORKS"),
                std::string::npos)
          << error.what();
    }
  }
}

TEST(SettingsTest, WebhookCapsHaveDefaultsAndBounds) {
  {
    Environment environment;
    const Settings defaults = Settings::FromEnvironment();
    EXPECT_EQ(defaults.webhook_max_per_advertiser, 25);
    EXPECT_EQ(defaults.webhook_senders_per_advertiser, 2);
    EXPECT_LT(defaults.webhook_senders_per_advertiser, defaults.webhook_senders);
    EXPECT_EQ(defaults.webhook_in_flight_per_webhook, 1);
  }
  Environment environment;
  environment.Set("NEDLIA_WEBHOOK_MAX_PER_ADVERTISER", "3");
  environment.Set("NEDLIA_WEBHOOK_SENDERS_PER_ADVERTISER", "5");
  environment.Set("NEDLIA_WEBHOOK_IN_FLIGHT_PER_WEBHOOK", "4");
  const Settings set = Settings::FromEnvironment();
  EXPECT_EQ(set.webhook_max_per_advertiser, 3);
  EXPECT_EQ(set.webhook_senders_per_advertiser, 5);
  EXPECT_EQ(set.webhook_in_flight_per_webhook, 4);
  environment.Set("NEDLIA_WEBHOOK_IN_FLIGHT_PER_WEBHOOK", "0");
  EXPECT_THROW(Settings::FromEnvironment(), std::invalid_argument);
  environment.Set("NEDLIA_WEBHOOK_IN_FLIGHT_PER_WEBHOOK", "1");
  environment.Set("NEDLIA_WEBHOOK_SENDERS_PER_ADVERTISER", "0");
  EXPECT_THROW(Settings::FromEnvironment(), std::invalid_argument);
}

// A three-node JetStream cluster keeps the stream through the loss of a node only with
// three copies; more than five is no setting NATS takes.
TEST(SettingsTest, StreamReplicasDefaultToOneAndAreBounded) {
  {
    Environment environment;
    EXPECT_EQ(Settings::FromEnvironment().nats_stream_replicas, 1);
  }
  Environment environment;
  environment.Set("NEDLIA_NATS_STREAM_REPLICAS", "3");
  EXPECT_EQ(Settings::FromEnvironment().nats_stream_replicas, 3);
  for (const char* bad : {"0", "6", "three"}) {
    environment.Set("NEDLIA_NATS_STREAM_REPLICAS", bad);
    EXPECT_THROW(Settings::FromEnvironment(), std::invalid_argument) << bad;
  }
}

TEST(SettingsTest, EventsPointAtTheSchemasThisServerServesOutOfTheBox) {
  Environment environment;
  EXPECT_EQ(Settings::FromEnvironment().Envelope().schema_base_url,
            "http://127.0.0.1:8080/v1/schemas/events/");
  environment.Set("NEDLIA_HTTP_HOST", "::");
  environment.Set("NEDLIA_HTTP_PORT", "9000");
  EXPECT_EQ(Settings::FromEnvironment().PublicUrl(), "http://[::1]:9000")
      << "a wildcard listener is reached on loopback";
  environment.Set("NEDLIA_HTTP_HOST", "10.1.2.3");
  EXPECT_EQ(Settings::FromEnvironment().PublicUrl(), "http://10.1.2.3:9000");
}

TEST(SettingsTest, APublicUrlReplacesTheListenersAddress) {
  Environment environment;
  environment.Set("NEDLIA_PUBLIC_URL", "https://api.example.com/nedlia/");
  EXPECT_EQ(Settings::FromEnvironment().Envelope().schema_base_url,
            "https://api.example.com/nedlia/v1/schemas/events/");
}

TEST(SettingsTest, APublicUrlThatIsNoBaseUrlIsRefusedByName) {
  for (const char* url : {"api.example.com", "ftp://api.example.com", "https://", "https:///path",
                          "https://api.example.com/?x=1", "https://api.example.com/#top",
                          "https://api example.com"}) {
    Environment environment;
    environment.Set("NEDLIA_PUBLIC_URL", url);
    try {
      Settings::FromEnvironment();
      ADD_FAILURE() << url << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("NEDLIA_PUBLIC_URL"), std::string::npos)
          << error.what();
    }
  }
}

TEST(SettingsTest, TheWalASlotMayKeepIsASizeOrUnlimited) {
  Environment environment;
  EXPECT_EQ(Settings::FromEnvironment().pg_max_slot_wal_keep_size, "8GB");
  for (const char* size : {"512MB", "1TB", "-1"}) {
    environment.Set("NEDLIA_PG_MAX_SLOT_WAL_KEEP_SIZE", size);
    EXPECT_EQ(Settings::FromEnvironment().pg_max_slot_wal_keep_size, size);
  }
  for (const char* bad : {"8", "GB", "8 GB", "8gb", "-2", "8GB\nfsync = off", "99999999999GB"}) {
    environment.Set("NEDLIA_PG_MAX_SLOT_WAL_KEEP_SIZE", bad);
    EXPECT_THROW(Settings::FromEnvironment(), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace nedlia::cli
