#pragma once

#include <functional>

#include "app/ports/advertiser_store.hpp"
#include "app/ports/api_key_store.hpp"
#include "app/ports/campaign_store.hpp"
#include "app/ports/event_feed.hpp"
#include "app/ports/event_outbox.hpp"
#include "app/ports/idempotency_store.hpp"
#include "app/ports/placement_detail_store.hpp"
#include "app/ports/placement_store.hpp"
#include "app/ports/product_store.hpp"
#include "app/ports/validation_run_store.hpp"
#include "app/ports/video_store.hpp"
#include "app/ports/webhook_store.hpp"
#include "app/principal.hpp"

namespace nedlia::app {

/// One transaction on the system of record: every store it hands out works inside it, and the
/// events appended to its outbox commit with the changes.
class Transaction {
 public:
  virtual ~Transaction() = default;
  virtual PlacementStore& Placements() = 0;
  /// The read model (placement_details), for queries.
  virtual PlacementDetailStore& PlacementDetails() = 0;
  virtual CampaignStore& Campaigns() = 0;
  virtual AdvertiserStore& Advertisers() = 0;
  virtual ProductStore& Products() = 0;
  virtual VideoStore& Videos() = 0;
  virtual ValidationRunStore& ValidationRuns() = 0;
  virtual WebhookStore& Webhooks() = 0;
  virtual EventOutbox& Outbox() = 0;
  virtual EventFeed& Events() = 0;
  virtual IdempotencyStore& IdempotencyKeys() = 0;
  virtual ApiKeyStore& ApiKeys() = 0;
};

/// The system of record.
class Database {
 public:
  virtual ~Database() = default;
  /// Runs `work` in one read-write transaction and commits it. Serialization failures,
  /// deadlocks and a connection lost before COMMIT re-run `work` from the start, so it must
  /// have no effects outside the transaction. An exception from `work` rolls back and
  /// propagates.
  virtual void Write(const CallContext& context, const std::function<void(Transaction&)>& work) = 0;
  /// Runs `work` for reading only; each store call sees what was committed when it ran, or,
  /// where a read replica is configured, possibly a moment before: every write this process
  /// committed, and others' up to the configured staleness bound. `work` may run twice (again
  /// on the primary when the replica fails midway), so it must only read.
  virtual void Read(const std::function<void(Transaction&)>& work) = 0;
  /// Like Read, but always sees every committed change: for reads that a slightly old answer
  /// would make wrong rather than late (credentials, the event feed's positions).
  virtual void ReadLatest(const std::function<void(Transaction&)>& work) { Read(work); }
};

}  // namespace nedlia::app
