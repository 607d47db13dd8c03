#include "retention/purges.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>

#include "consumers/dead_letter_retention.hpp"
#include "notifier/delivery_retention.hpp"
#include "placement_files/file_retention.hpp"
#include "repositories/idempotency_rows.hpp"
#include "repositories/maintenance.hpp"
#include "repositories/pg_api_log.hpp"
#include "retention/advertiser_erasure.hpp"

namespace nedlia::retention {
namespace {

/// One kind of row (or object) past its time: how to delete it, and how to count it.
struct Purge {
  std::string what;
  std::function<std::int64_t(pg::Connection&, app::ObjectStore&)> run;
  std::function<std::int64_t(pg::Connection&)> count;
};

/// Every purge, in the order they run: deliveries before the deleted webhooks they hold.
std::vector<Purge> Purges(const PurgePolicy& p) {
  const std::chrono::hours grace(p.placement_files_grace_hours);
  return {
      {fmt::format("API log rows older than {} days", p.api_log_days),
       [p](pg::Connection& c, app::ObjectStore&) {
         return repositories::PurgeApiLog(c, p.api_log_days);
       },
       [p](pg::Connection& c) { return repositories::CountOldApiLog(c, p.api_log_days); }},
      {fmt::format("idempotency keys older than {} h",
                   repositories::kIdempotencyKeyLifetime.count()),
       [](pg::Connection& c, app::ObjectStore&) {
         return repositories::PurgeExpiredIdempotencyKeys(c);
       },
       [](pg::Connection& c) { return repositories::CountExpiredIdempotencyKeys(c); }},
      {fmt::format("webhook deliveries finished more than {} days ago", p.webhook_deliveries_days),
       [p](pg::Connection& c, app::ObjectStore&) {
         return notifier::PurgeFinishedDeliveries(c, p.webhook_deliveries_days);
       },
       [p](pg::Connection& c) {
         return notifier::CountFinishedDeliveries(c, p.webhook_deliveries_days);
       }},
      {fmt::format("webhooks deleted more than {} days ago, with no delivery left",
                   p.webhook_deliveries_days),
       [p](pg::Connection& c, app::ObjectStore&) {
         return notifier::PurgeDeletedWebhooks(c, p.webhook_deliveries_days);
       },
       [p](pg::Connection& c) {
         return notifier::CountDeletedWebhooks(c, p.webhook_deliveries_days);
       }},
      {"dead letters whose event has left the event log",
       [p](pg::Connection& c, app::ObjectStore&) {
         return consumers::PurgeUnreplayableDeadLetters(c, p.event_log_days);
       },
       [p](pg::Connection& c) {
         return consumers::CountUnreplayableDeadLetters(c, p.event_log_days);
       }},
      {fmt::format("personal data of advertisers deleted more than {} days ago",
                   p.erase_deleted_advertisers_days),
       [p](pg::Connection& c, app::ObjectStore&) {
         return EraseLongDeletedAdvertisers(c, p.erase_deleted_advertisers_days, p.envelope);
       },
       [p](pg::Connection& c) {
         return CountLongDeletedAdvertisers(c, p.erase_deleted_advertisers_days);
       }},
      {fmt::format("processed-event marks older than {} days", p.event_log_days),
       [p](pg::Connection& c, app::ObjectStore&) {
         return repositories::PurgeProcessedEvents(c, p.event_log_days);
       },
       [p](pg::Connection& c) {
         return repositories::CountOldProcessedEvents(c, p.event_log_days);
       }},
      {fmt::format("placement files superseded more than {} h ago", grace.count()),
       [grace](pg::Connection& c, app::ObjectStore& objects) {
         placement_files::RecordUnrecordedFiles(c, objects);
         return placement_files::PurgeSupersededFiles(c, objects, grace);
       },
       [grace](pg::Connection& c) { return placement_files::CountSupersededFiles(c, grace); }},
  };
}

PurgeOutcome RunOne(const Purge& purge, pg::Connection& connection, app::ObjectStore& store) {
  PurgeOutcome outcome{.what = purge.what, .count = 0, .error = ""};
  try {
    outcome.count = purge.run(connection, store);
    if (outcome.count > 0)
      spdlog::info("retention: deleted {} {}", outcome.count, purge.what);
  } catch (const std::exception& error) {
    outcome.error = error.what();
    spdlog::warn("retention: deleting {} failed (the next run carries on): {}", purge.what,
                 outcome.error);
  }
  return outcome;
}

}  // namespace

std::vector<PurgeOutcome> RunPurges(pg::Connection& connection, app::ObjectStore& store,
                                    const PurgePolicy& policy) {
  std::vector<PurgeOutcome> outcomes;
  for (const Purge& purge : Purges(policy))
    outcomes.push_back(RunOne(purge, connection, store));
  return outcomes;
}

std::vector<PurgeOutcome> PlanPurges(pg::Connection& connection, const PurgePolicy& policy) {
  std::vector<PurgeOutcome> outcomes;
  for (const Purge& purge : Purges(policy))
    outcomes.push_back({.what = purge.what, .count = purge.count(connection), .error = ""});
  return outcomes;
}

}  // namespace nedlia::retention
