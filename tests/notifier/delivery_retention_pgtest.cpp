// The webhook delivery log is bounded: finished deliveries go after the retention, pending ones
// never do, and a deleted webhook (with its secret) goes once its deliveries have gone.
#include <gtest/gtest.h>

#include "notifier/delivery_retention.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class DeliveryRetentionTest : public ::testing::Test {
 protected:
  DeliveryRetentionTest() {
    advertiser_ = Text(
        "INSERT INTO advertisers (name, contact_email) VALUES ('Acme', 'a@acme.example') "
        "RETURNING id");
  }

  std::string Text(const std::string& sql, const pg::Params& params = pg::Params()) {
    return sql_.Execute(sql, params).Single()[0].As<std::string>();
  }
  std::int64_t Count(const std::string& sql) {
    return sql_.Execute(sql).Single()[0].As<std::int64_t>();
  }

  /// A webhook; `deleted_days_ago` < 0: not deleted.
  std::string Webhook(int deleted_days_ago = -1, const std::string& status = "active") {
    return Text(
        "INSERT INTO webhooks (id, advertiser_id, url, event_types, secret, status, disabled_at, "
        "created_at, deleted_at) VALUES (gen_random_uuid(), $1, 'https://hooks.example/x', "
        "'{com.nedlia.campaign.created.v1}', 'whsec_c2VjcmV0', $2::text, CASE WHEN $2::text = "
        "'disabled' "
        "THEN now() END, now() - interval '3 years', CASE WHEN $3::int >= 0 THEN now() - "
        "make_interval(days => $3) END) RETURNING id",
        pg::Params(advertiser_, status, deleted_days_ago));
  }

  /// A delivery last changed `days_ago` days ago (and made then, too).
  void Delivery(const std::string& webhook, const std::string& status, double days_ago) {
    sql_.Execute(
        "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, status, "
        "attempts, next_attempt_at, created_at, updated_at) VALUES (gen_random_uuid(), $1, "
        "gen_random_uuid(), 'com.nedlia.campaign.created.v1', '{}', $2, 1, now() - "
        "make_interval(secs => $3::float8 * 86400), now() - make_interval(secs => $3::float8 * "
        "86400), now() - make_interval(secs => $3::float8 * 86400))",
        pg::Params(webhook, status, days_ago));
  }

  std::string Left() {
    return Text(
        "SELECT coalesce(string_agg(status || ':' || round(extract(epoch FROM now() - "
        "updated_at) / 86400), ',' ORDER BY status, updated_at), '') FROM webhook_deliveries");
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  std::string advertiser_;
};

TEST_F(DeliveryRetentionTest, FinishedDeliveriesOlderThanTheRetentionGoInBatches) {
  const std::string webhook = Webhook();
  for (const char* status : {"succeeded", "failed", "abandoned"}) {
    Delivery(webhook, status, 30.5);
    Delivery(webhook, status, 29.5);
  }
  Delivery(webhook, "succeeded", 400);
  EXPECT_EQ(notifier::CountFinishedDeliveries(sql_, 30), 4);

  EXPECT_EQ(notifier::PurgeFinishedDeliveries(sql_, 30, /*batch=*/3), 4);  // two batches
  EXPECT_EQ(Left(), "abandoned:30,failed:30,succeeded:30");
  EXPECT_EQ(notifier::PurgeFinishedDeliveries(sql_, 30), 0);
}

TEST_F(DeliveryRetentionTest, APendingDeliveryIsNeverPurgedHoweverOld) {
  // Disabled by hand: its pending deliveries wait for it to be enabled again.
  const std::string webhook = Webhook(-1, "disabled");
  Delivery(webhook, "pending", 3650);
  Delivery(webhook, "succeeded", 3650);

  EXPECT_EQ(notifier::PurgeFinishedDeliveries(sql_, 1), 1);
  EXPECT_EQ(Left(), "pending:3650");
  EXPECT_EQ(notifier::PurgeDeletedWebhooks(sql_, 1), 0);
}

TEST_F(DeliveryRetentionTest, ADeletedWebhookGoesOnceItsDeliveriesHaveGone) {
  const std::string gone = Webhook(40);
  Delivery(gone, "abandoned", 40);
  const std::string recent = Webhook(10);  // deleted, but within the retention
  const std::string live = Webhook();      // old, never deleted
  const std::string with_pending = Webhook(40);
  Delivery(with_pending, "pending", 40);

  EXPECT_EQ(notifier::CountDeletedWebhooks(sql_, 30), 0);  // its delivery is still there
  EXPECT_EQ(notifier::PurgeDeletedWebhooks(sql_, 30), 0);
  EXPECT_EQ(notifier::PurgeFinishedDeliveries(sql_, 30), 1);
  EXPECT_EQ(notifier::PurgeDeletedWebhooks(sql_, 30), 1);

  EXPECT_EQ(Count("SELECT count(*) FROM webhooks WHERE id = '" + gone + "'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM webhooks WHERE id IN ('" + recent + "', '" + live + "', '" +
                  with_pending + "')"),
            3);
}

}  // namespace
}  // namespace nedlia::testing
