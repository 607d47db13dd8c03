#pragma once

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

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

/// The system of record. Read, ReadLatest and Write return what their `work` returns.
class Database {
 public:
  virtual ~Database() = default;

  /// Runs `work` in one read-write transaction and commits it. Serialization failures,
  /// deadlocks and a connection lost before COMMIT re-run `work` from the start, so it must
  /// have no effects outside the transaction. An exception from `work` rolls back and
  /// propagates.
  template <class Work>
  auto Write(const CallContext& context, Work&& work) {
    return Returning(work, [&](const TransactionWork& run) { RunWrite(context, run); });
  }
  /// Runs `work` for reading only; each store call sees what was committed when it ran, or,
  /// where a read replica is configured, possibly a moment before: every write this process
  /// committed, and others' up to the configured staleness bound. `work` may run twice (again
  /// on the primary when the replica fails midway), so it must only read.
  template <class Work>
  auto Read(Work&& work) {
    return Returning(work, [&](const TransactionWork& run) { RunRead(run); });
  }
  /// Like Read, for a quick read of a few rows by key: its statements may travel with other
  /// requests' in one round trip on a shared connection (so a slow one would delay them).
  template <class Work>
  auto ReadByKey(Work&& work) {
    return Returning(work, [&](const TransactionWork& run) { RunReadByKey(run); });
  }
  /// Like Read, but always sees every committed change: for reads that a slightly old answer
  /// would make wrong rather than late (credentials, the event feed's positions).
  template <class Work>
  auto ReadLatest(Work&& work) {
    return Returning(work, [&](const TransactionWork& run) { RunReadLatest(run); });
  }

 protected:
  using TransactionWork = std::function<void(Transaction&)>;
  /// What the implementations provide: Write, Read and ReadLatest as described above.
  virtual void RunWrite(const CallContext& context, const TransactionWork& work) = 0;
  virtual void RunRead(const TransactionWork& work) = 0;
  virtual void RunReadLatest(const TransactionWork& work) { RunRead(work); }
  virtual void RunReadByKey(const TransactionWork& work) { RunRead(work); }

 private:
  /// Runs `work` through `run`, keeping its value (from its last run, when it ran more than
  /// once).
  template <class Work, class Run>
  static auto Returning(Work& work, const Run& run) {
    using Result = std::invoke_result_t<Work&, Transaction&>;
    if constexpr (std::is_void_v<Result>) {
      run(TransactionWork(std::ref(work)));
    } else {
      std::optional<Result> result;
      run(TransactionWork([&](Transaction& tx) { result.emplace(work(tx)); }));
      return std::move(*result);
    }
  }
};

}  // namespace nedlia::app
