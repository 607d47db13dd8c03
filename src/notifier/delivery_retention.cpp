#include "notifier/delivery_retention.hpp"

#include <string>

#include "pg/batches.hpp"

namespace nedlia::notifier {
namespace {

// A finished delivery never changes again, so updated_at is when it finished. Each condition
// is checked again on the row as it is when deleted (the IN list comes from an older snapshot).
const std::string kFinished =
    "status <> 'pending' AND updated_at < now() - make_interval(days => $1)";
const pg::BatchedPurge kFinishedDeliveries("webhook_deliveries_finished", "webhook_deliveries",
                                           "id", kFinished);

// The deliveries' foreign key holds a webhook while any of its deliveries is left.
const std::string kGone =
    "deleted_at < now() - make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM "
    "webhook_deliveries d WHERE d.webhook_id = webhooks.id)";
const pg::BatchedPurge kDeletedWebhooks("webhooks_deleted", "webhooks", "id", kGone);

}  // namespace

std::int64_t PurgeFinishedDeliveries(pg::Connection& connection, int days, int batch) {
  return kFinishedDeliveries.Run(connection, days, batch);
}

std::int64_t CountFinishedDeliveries(pg::Connection& connection, int days) {
  return kFinishedDeliveries.Count(connection, days);
}

std::int64_t PurgeDeletedWebhooks(pg::Connection& connection, int days, int batch) {
  return kDeletedWebhooks.Run(connection, days, batch);
}

std::int64_t CountDeletedWebhooks(pg::Connection& connection, int days) {
  return kDeletedWebhooks.Count(connection, days);
}

}  // namespace nedlia::notifier
