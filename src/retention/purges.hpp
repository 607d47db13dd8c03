#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/ports/object_store.hpp"
#include "events/envelope.hpp"
#include "pg/connection.hpp"

namespace nedlia::retention {

/// How long what retention deletes (rather than archives: archive::RetentionPolicy) is kept;
/// see README "Retention and archival". Idempotency keys have no setting: their 24 hours are
/// the API's promise (repositories::kIdempotencyKeyLifetime).
struct PurgePolicy {
  int api_log_days = 30;  ///< NEDLIA_RETENTION_API_LOG_DAYS
  /// NEDLIA_RETENTION_EVENT_LOG_DAYS: consumers' processed marks outlive no event, and a dead
  /// letter whose event was archived can no longer be replayed.
  int event_log_days = 730;
  /// NEDLIA_RETENTION_WEBHOOK_DELIVERIES_DAYS: finished deliveries; deleted webhooks after them.
  int webhook_deliveries_days = 30;
  /// NEDLIA_RETENTION_PLACEMENT_FILES_GRACE_HOURS: how long a superseded placement file stays
  /// fetchable for a reader that got its URL just before.
  int placement_files_grace_hours = 24;
  /// NEDLIA_RETENTION_ERASE_DELETED_ADVERTISERS_DAYS: how long a deleted advertiser keeps its
  /// personal data (for an undo, or a dispute) before it is erased.
  int erase_deleted_advertisers_days = 30;
  /// For the events the erasures emit.
  events::EnvelopeSettings envelope;
};

/// What one purge did, or in a dry run would do.
struct PurgeOutcome {
  std::string what;  ///< "idempotency keys older than 24 h", ...
  std::int64_t count = 0;
  std::string error;  ///< empty when it succeeded
};

/// Runs every purge once, each in batches of short transactions, and logs what each deleted.
/// A purge that fails (the object store down, say) is reported and the others still run; what
/// it deleted before failing stays deleted, and the next run carries on.
std::vector<PurgeOutcome> RunPurges(pg::Connection& connection, app::ObjectStore& store,
                                    const PurgePolicy& policy);

/// What RunPurges would delete now (placement files written before they were recorded are
/// found by the run itself, so not counted here); changes nothing.
std::vector<PurgeOutcome> PlanPurges(pg::Connection& connection, const PurgePolicy& policy);

}  // namespace nedlia::retention
