#pragma once

#include <optional>

#include "app/ports/database.hpp"
#include "events/envelope.hpp"
#include "events/feed_rows.hpp"
#include "events/outbox_rows.hpp"
#include "pg/connection.hpp"
#include "repositories/advertiser_rows.hpp"
#include "repositories/api_key_rows.hpp"
#include "repositories/campaign_rows.hpp"
#include "repositories/idempotency_rows.hpp"
#include "repositories/placement_detail_rows.hpp"
#include "repositories/placement_rows.hpp"
#include "repositories/product_rows.hpp"
#include "repositories/validation_run_rows.hpp"
#include "repositories/video_rows.hpp"
#include "repositories/webhook_rows.hpp"

namespace nedlia::repositories {

/// The application's Transaction over a connection whose transaction the caller opened and
/// will end (PgDatabase's, or a consumer's delivery transaction): its stores, made on first
/// use, all work on that connection.
class PgTransaction : public app::Transaction {
 public:
  PgTransaction(pg::Connection& connection, const app::CallContext& context,
                const events::EnvelopeSettings& envelope)
      : connection_(connection), context_(context), envelope_(envelope) {}

  app::PlacementStore& Placements() override { return Make(placements_, connection_); }
  app::PlacementDetailStore& PlacementDetails() override {
    return Make(placement_details_, connection_);
  }
  app::CampaignStore& Campaigns() override { return Make(campaigns_, connection_); }
  app::AdvertiserStore& Advertisers() override { return Make(advertisers_, connection_); }
  app::ProductStore& Products() override { return Make(products_, connection_); }
  app::VideoStore& Videos() override { return Make(videos_, connection_); }
  app::ValidationRunStore& ValidationRuns() override { return Make(validation_runs_, connection_); }
  app::WebhookStore& Webhooks() override { return Make(webhooks_, connection_); }
  app::EventOutbox& Outbox() override { return Make(outbox_, connection_, context_, envelope_); }
  app::EventFeed& Events() override { return Make(feed_, connection_); }
  app::IdempotencyStore& IdempotencyKeys() override { return Make(idempotency_, connection_); }
  app::ApiKeyStore& ApiKeys() override { return Make(api_keys_, connection_); }

  bool WroteEvents() const { return outbox_.has_value(); }

 private:
  template <class Store, class... Args>
  static Store& Make(std::optional<Store>& store, Args&... args) {
    if (!store)
      store.emplace(args...);
    return *store;
  }

  pg::Connection& connection_;
  const app::CallContext& context_;
  const events::EnvelopeSettings& envelope_;
  std::optional<PlacementRows> placements_;
  std::optional<PlacementDetailRows> placement_details_;
  std::optional<CampaignRows> campaigns_;
  std::optional<AdvertiserRows> advertisers_;
  std::optional<ProductRows> products_;
  std::optional<VideoRows> videos_;
  std::optional<ValidationRunRows> validation_runs_;
  std::optional<WebhookRows> webhooks_;
  std::optional<events::OutboxRows> outbox_;
  std::optional<events::FeedRows> feed_;
  std::optional<IdempotencyRows> idempotency_;
  std::optional<ApiKeyRows> api_keys_;
};

}  // namespace nedlia::repositories
