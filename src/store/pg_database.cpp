#include "store/pg_database.hpp"

#include <optional>
#include <string>

#include "app/errors.hpp"
#include "events/feed_rows.hpp"
#include "events/outbox_rows.hpp"
#include "pg/errors.hpp"
#include "pg/transaction.hpp"
#include "store/advertiser_rows.hpp"
#include "store/api_key_rows.hpp"
#include "store/campaign_rows.hpp"
#include "store/idempotency_rows.hpp"
#include "store/placement_rows.hpp"
#include "store/product_rows.hpp"
#include "store/validation_run_rows.hpp"
#include "store/video_rows.hpp"
#include "store/webhook_rows.hpp"

namespace nedlia::store {
namespace {

/// The stores of one transaction, made on first use.
class PgTransaction : public app::Transaction {
 public:
  PgTransaction(pg::Connection& connection, const app::CallContext& context,
                const events::EnvelopeSettings& envelope)
      : connection_(connection), context_(context), envelope_(envelope) {}

  app::PlacementStore& Placements() override { return Make(placements_, connection_); }
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

/// Database trouble the client can only wait out becomes kUnavailable; the rest propagates.
template <class Fn>
void TranslatingUnavailable(pg::DeadlineWatchdog::Clock::time_point deadline,
                            std::chrono::milliseconds timeout, Fn&& fn) {
  try {
    fn();
  } catch (const pg::ConnectionLost&) {
    throw app::Error(app::ErrorKind::kUnavailable, "the database is unreachable");
  } catch (const pg::PoolExhausted&) {
    throw app::Error(app::ErrorKind::kUnavailable, "the database is busy");
  } catch (const pg::TransactionRollback&) {
    // Serialization failures and deadlocks that persisted through every retry.
    throw app::Error(app::ErrorKind::kUnavailable,
                     "the request kept colliding with concurrent ones; retry it");
  } catch (const pg::QueryCanceled&) {
    if (pg::DeadlineWatchdog::Clock::now() >= deadline) {
      throw app::Error(app::ErrorKind::kUnavailable, "the request did not finish within " +
                                                         std::to_string(timeout.count()) + " ms");
    }
    throw app::Error(app::ErrorKind::kUnavailable, "the database took too long to answer");
  }
}

}  // namespace

void PgDatabase::Write(const app::CallContext& context,
                       const std::function<void(app::Transaction&)>& work) {
  const auto deadline = pg::DeadlineWatchdog::Clock::now() + request_timeout_;
  TranslatingUnavailable(deadline, request_timeout_, [&] {
    const pg::TransactionOptions options{.deadline = deadline, .watchdog = &watchdog_};
    bool wrote_events = false;
    pg::RunInTransaction(pool_, options, [&](pg::Transaction& transaction) {
      PgTransaction tx(transaction.Conn(), context, envelope_);
      work(tx);
      wrote_events = tx.WroteEvents();
    });
    if (wrote_events && commit_signal_ != nullptr)
      commit_signal_->Raise();
  });
}

void PgDatabase::Read(const std::function<void(app::Transaction&)>& work) {
  static const app::CallContext kReader{};
  const auto deadline = pg::DeadlineWatchdog::Clock::now() + request_timeout_;
  TranslatingUnavailable(deadline, request_timeout_, [&] {
    // One statement per read in autocommit: a snapshot of its own, no BEGIN/COMMIT round trips.
    pg::PooledConnection connection = pool_.Acquire(deadline);
    const pg::DeadlineWatchdog::Watch watch(&watchdog_, *connection, deadline);
    PgTransaction tx(*connection, kReader, envelope_);
    work(tx);
  });
}

}  // namespace nedlia::store
