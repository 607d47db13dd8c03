#include "repositories/webhook_rows.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "pg/errors.hpp"
#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

// The columns every webhook query returns, and where RowToWebhook finds each; never the
// secret, which only the notifier reads.
struct WebhookColumns : EntityColumns {
  int id = Add("w.id");
  int advertiser_id = Add("w.advertiser_id");
  int url = Add("w.url");
  int event_types = Add("array_to_json(w.event_types)::text");
  int status = Add("w.status");
  int disabled_at = Add(EpochMs("w.disabled_at"));
  int consecutive_failures = Add("w.consecutive_failures");
  AuditColumns audit = AddAudit("w");
};
const WebhookColumns kColumn;
const std::string kColumns = kColumn.Sql();

const std::string kFindSql =
    "SELECT " + kColumns + " FROM webhooks w WHERE w.id = $1 AND w.deleted_at IS NULL";
const std::string kInsertSql = R"sql(
    INSERT INTO webhooks AS w (id, advertiser_id, url, event_types, secret, created_by)
    VALUES ($1, $2, $3, $4::text[], $5, $6)
    RETURNING )sql" + kColumns;
// Enabling again starts the failure count over; disabling stamps disabled_at.
const std::string kUpdateSql = R"sql(
    UPDATE webhooks AS w
    SET url = $2, event_types = $3::text[], status = $4::text,
        disabled_at = CASE WHEN $4::text = 'disabled' THEN coalesce(w.disabled_at, now()) END,
        consecutive_failures = CASE WHEN $4::text = 'active' AND w.status = 'disabled' THEN 0
                                    ELSE w.consecutive_failures END,
        failing_since = CASE WHEN $4::text = 'active' AND w.status = 'disabled' THEN NULL
                             ELSE w.failing_since END
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

// A delivery's columns, and where RowToDelivery finds each.
struct DeliveryColumns : SelectList {
  int id = Add("d.id");
  int webhook_id = Add("d.webhook_id");
  int event_id = Add("d.event_id");
  int event_type = Add("d.event_type");
  int status = Add("d.status");
  int attempts = Add("d.attempts");
  int response_status = Add("d.response_status");
  int error = Add("d.error");
  int next_attempt_at =
      Add("CASE WHEN d.status = 'pending' THEN " + EpochMs("d.next_attempt_at") + " END");
  int last_attempt_at = Add(EpochMs("d.last_attempt_at"));
  int delivered_at = Add(EpochMs("d.delivered_at"));
  int created_at = Add(EpochMs("d.created_at"));
};
const DeliveryColumns kDeliveryColumn;
const std::string kDeliveryColumns = kDeliveryColumn.Sql();
// Newest first: ids are UUIDv7, so the keyset walks down from the cursor.
const std::string kDeliveriesSql = "SELECT " + kDeliveryColumns +
                                   " FROM webhook_deliveries d WHERE d.webhook_id = $1"
                                   " AND ($2::uuid IS NULL OR d.id < $2) ORDER BY d.id DESC"
                                   " LIMIT $3";

// A transaction-level advisory lock per advertiser, released by COMMIT or ROLLBACK. The count
// is a statement of its own: a statement's snapshot is taken when it starts, so a count in the
// statement that waited for the lock would miss the webhook its holder just committed.
const pg::Statement kLockAdvertiserWebhooks{"webhook_lock_advertiser", R"sql(
    SELECT pg_advisory_xact_lock(hashtextextended('nedlia.webhooks.' || $1::text, 0)))sql"};
const pg::Statement kCountLive{"webhook_count_live", R"sql(
    SELECT count(*) FROM webhooks WHERE advertiser_id = $1 AND deleted_at IS NULL)sql"};

const LockedFind kFind{"webhook_find", kFindSql};
const pg::Statement kSecret{"webhook_secret",
                            "SELECT secret FROM webhooks WHERE id = $1 AND deleted_at IS NULL"};
const pg::Statement kInsert{"webhook_insert", kInsertSql};
const pg::Statement kUpdate{"webhook_update", kUpdateSql};
const pg::Statement kDeliveries{"webhook_deliveries_page", kDeliveriesSql};
const pg::Statement kSoftDelete{"webhook_soft_delete", R"sql(
    WITH deleted AS (
        UPDATE webhooks SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id)
    UPDATE webhook_deliveries SET status = 'abandoned', lease_until = NULL
    WHERE webhook_id IN (SELECT id FROM deleted) AND status = 'pending')sql"};

// The secret must keep its shape (chk_webhooks_secret); this one signs nothing, as the
// webhook is deleted and disabled with it.
const pg::Statement kEraseAllOf{"webhooks_erase", R"sql(
    WITH erased AS (
        UPDATE webhooks
        SET url = 'https://erased.invalid/', secret = 'whsec_erased', status = 'disabled',
            disabled_at = coalesce(disabled_at, now()), deleted_at = coalesce(deleted_at, now())
        WHERE advertiser_id = $1
        RETURNING id)
    UPDATE webhook_deliveries
    SET error = NULL, lease_until = NULL,
        status = CASE WHEN status = 'pending' THEN 'abandoned' ELSE status END
    WHERE webhook_id IN (SELECT id FROM erased))sql"};

std::vector<std::string> TextArray(const pg::Field& field) {
  return nlohmann::json::parse(field.As<std::string>()).get<std::vector<std::string>>();
}

template <typename Enum, typename Parse>
Enum Parsed(const pg::Field& field, Parse parse) {
  const auto value = parse(field.As<std::string>());
  if (!value)
    throw pg::ConversionError("unknown status \"" + field.As<std::string>() + "\"");
  return *value;
}

domain::Webhook RowToWebhook(const pg::Row& row) {
  return domain::Webhook{
      .id = row[kColumn.id].As<domain::Uuid>(),
      .advertiser_id = row[kColumn.advertiser_id].As<domain::Uuid>(),
      .url = row[kColumn.url].As<std::string>(),
      .event_types = TextArray(row[kColumn.event_types]),
      .status = Parsed<domain::WebhookStatus>(row[kColumn.status], domain::ParseWebhookStatus),
      .disabled_at = row[kColumn.disabled_at].As<std::optional<std::int64_t>>(),
      .consecutive_failures = row[kColumn.consecutive_failures].As<std::int32_t>(),
      .audit = AuditOf(row, kColumn.audit)};
}

/// The error class of a stored attempt. Rows written before there were classes (or by the
/// previous release during a rolling upgrade) hold libcurl's words, "HTTP <status>" or a
/// sentence about an abandoned delivery: they are classed here, so that no such text ever
/// reaches a tenant.
std::optional<domain::DeliveryError> StoredDeliveryError(const std::optional<std::string>& stored) {
  using domain::DeliveryError;
  if (!stored)
    return std::nullopt;
  if (const auto error = domain::ParseDeliveryError(*stored))
    return error;
  const auto says = [&](std::string_view words) {
    return stored->find(words) != std::string::npos;
  };
  if (says("the webhook was"))
    return std::nullopt;  // abandoned: the status says so
  if (stored->starts_with("HTTP "))
    return DeliveryError::kHttpStatus;
  if (says("imeout") || says("timed out"))
    return DeliveryError::kTimeout;
  if (says("resolve"))
    return DeliveryError::kDns;
  if (says("SSL") || says("TLS") || says("certificate"))
    return DeliveryError::kTls;
  if (says("HTTP client") || says("secret"))
    return DeliveryError::kInternal;
  return DeliveryError::kConnectionFailed;
}

domain::WebhookDelivery RowToDelivery(const pg::Row& row) {
  return domain::WebhookDelivery{
      .id = row[kDeliveryColumn.id].As<domain::Uuid>(),
      .webhook_id = row[kDeliveryColumn.webhook_id].As<domain::Uuid>(),
      .event_id = row[kDeliveryColumn.event_id].As<domain::Uuid>(),
      .event_type = row[kDeliveryColumn.event_type].As<std::string>(),
      .status = Parsed<domain::WebhookDeliveryStatus>(row[kDeliveryColumn.status],
                                                      domain::ParseDeliveryStatus),
      .attempts = row[kDeliveryColumn.attempts].As<std::int32_t>(),
      .response_status = row[kDeliveryColumn.response_status].As<std::optional<std::int32_t>>(),
      .error = StoredDeliveryError(row[kDeliveryColumn.error].As<std::optional<std::string>>()),
      .next_attempt_at = row[kDeliveryColumn.next_attempt_at].As<std::optional<std::int64_t>>(),
      .last_attempt_at = row[kDeliveryColumn.last_attempt_at].As<std::optional<std::int64_t>>(),
      .delivered_at = row[kDeliveryColumn.delivered_at].As<std::optional<std::int64_t>>(),
      .created_at = row[kDeliveryColumn.created_at].As<std::int64_t>()};
}

}  // namespace

std::optional<domain::Webhook> WebhookRows::Find(const domain::Uuid& id, app::RowLock lock) {
  const pg::Result result = connection_.Execute(kFind.For(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToWebhook(result[0]);
}

app::Page<domain::Webhook> WebhookRows::List(const app::WebhookFilter& filter,
                                             const app::PageRequest& page) {
  return KeysetQuery("SELECT " + kColumns + " FROM webhooks w WHERE w.deleted_at IS NULL", "w.id")
      .WhereIf("w.advertiser_id =", filter.advertiser_id)
      .ReadPage(connection_, page, RowToWebhook, kIdOf);
}

int WebhookRows::LockAndCountLive(const domain::Uuid& advertiser_id) {
  connection_.Execute(kLockAdvertiserWebhooks, pg::Params(advertiser_id));
  return static_cast<int>(
      connection_.Execute(kCountLive, pg::Params(advertiser_id)).Single()[0].As<std::int64_t>());
}

domain::Webhook WebhookRows::Insert(const domain::Webhook& webhook, const std::string& secret) {
  const pg::Params params(webhook.id, webhook.advertiser_id, webhook.url, webhook.event_types,
                          secret, webhook.audit.created_by);
  return RowToWebhook(connection_.Execute(kInsert, params).Single());
}

std::optional<std::string> WebhookRows::SigningSecret(const domain::Uuid& id) {
  const pg::Result found = connection_.Execute(kSecret, pg::Params(id));
  if (found.RowCount() == 0)
    return std::nullopt;
  return found[0][0].As<std::string>();
}

domain::Webhook WebhookRows::Update(const domain::Webhook& webhook) {
  const pg::Params params(webhook.id, webhook.url, webhook.event_types,
                          std::string(domain::WebhookStatusName(webhook.status)));
  return RowToWebhook(connection_.Execute(kUpdate, params).Single());
}

void WebhookRows::SoftDelete(const domain::Uuid& id) {
  connection_.Execute(kSoftDelete, pg::Params(id));
}

void WebhookRows::EraseAllOf(const domain::Uuid& advertiser_id) {
  connection_.Execute(kEraseAllOf, pg::Params(advertiser_id));
}

app::Page<domain::WebhookDelivery> WebhookRows::Deliveries(const domain::Uuid& webhook_id,
                                                           const app::PageRequest& page) {
  const pg::Params params(webhook_id, page.after, page.limit + 1);
  app::Page<domain::WebhookDelivery> result;
  for (const pg::Row& row : connection_.Execute(kDeliveries, params))
    result.items.push_back(RowToDelivery(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().id;
  }
  return result;
}

}  // namespace nedlia::repositories
