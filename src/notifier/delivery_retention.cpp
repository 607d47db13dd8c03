#include "notifier/delivery_retention.hpp"

#include <string>

#include "pg/batches.hpp"

namespace nedlia::notifier {
namespace {

// A finished delivery never changes again, so updated_at is when it finished. Each condition
// is checked again on the row as it is when deleted (the IN list comes from an older snapshot).
const std::string kFinished =
    "status <> 'pending' AND updated_at < now() - make_interval(days => $1)";
const std::string kPurgeDeliveriesSql =
    "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE " +
    kFinished + " LIMIT $2) AND " + kFinished;
const std::string kCountDeliveriesSql =
    "SELECT count(*) FROM webhook_deliveries WHERE " + kFinished;

// The deliveries' foreign key holds a webhook while any of its deliveries is left.
const std::string kGone =
    "deleted_at < now() - make_interval(days => $1) AND NOT EXISTS (SELECT 1 FROM "
    "webhook_deliveries d WHERE d.webhook_id = webhooks.id)";
const std::string kPurgeWebhooksSql =
    "DELETE FROM webhooks WHERE id IN (SELECT id FROM webhooks "
    "WHERE " +
    kGone + " LIMIT $2) AND " + kGone;
const std::string kCountWebhooksSql = "SELECT count(*) FROM webhooks WHERE " + kGone;

const pg::Statement kPurgeDeliveries{"webhook_deliveries_purge", kPurgeDeliveriesSql};
const pg::Statement kCountDeliveries{"webhook_deliveries_count_finished", kCountDeliveriesSql};
const pg::Statement kPurgeWebhooks{"webhooks_purge_deleted", kPurgeWebhooksSql};
const pg::Statement kCountWebhooks{"webhooks_count_deleted", kCountWebhooksSql};

std::int64_t Count(pg::Connection& connection, const pg::Statement& statement, int days) {
  return connection.Execute(statement, pg::Params(days)).Single()[0].As<std::int64_t>();
}

}  // namespace

std::int64_t PurgeFinishedDeliveries(pg::Connection& connection, int days, int batch) {
  return pg::ExecuteInBatches(connection, kPurgeDeliveries, pg::Params(days), batch);
}

std::int64_t CountFinishedDeliveries(pg::Connection& connection, int days) {
  return Count(connection, kCountDeliveries, days);
}

std::int64_t PurgeDeletedWebhooks(pg::Connection& connection, int days, int batch) {
  return pg::ExecuteInBatches(connection, kPurgeWebhooks, pg::Params(days), batch);
}

std::int64_t CountDeletedWebhooks(pg::Connection& connection, int days) {
  return Count(connection, kCountWebhooks, days);
}

}  // namespace nedlia::notifier
