#include "notifier/delivery_queue.hpp"

#include "domain/url_origin.hpp"
#include "events/cloud_event.hpp"
#include "events/outbox_rows.hpp"
#include "pg/transaction.hpp"

namespace nedlia::notifier {
namespace {

// The event's advertiser comes from its row in event_log; the time window (around the event's
// own created_at) lets PostgreSQL look in one monthly partition only. A webhook gets the events
// written after it was registered, not the history a lagging (or new) consumer reads late.
const pg::Statement kSubscribers{"notifier_subscribers", R"sql(
    SELECT w.id
    FROM event_log e
    JOIN webhooks w ON w.advertiser_id = e.advertiser_id
    WHERE e.id = $1
      AND e.created_at >= to_timestamp(($3::int8 - 1000) / 1000.0)
      AND e.created_at < to_timestamp(($3::int8 + 1000) / 1000.0)
      AND w.status = 'active' AND w.deleted_at IS NULL
      AND w.created_at <= e.created_at
      AND $2 = ANY (w.event_types))sql"};

const pg::Statement kRecord{"notifier_record", R"sql(
    INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (webhook_id, event_id) DO NOTHING)sql"};

// Claiming is fair between advertisers and never races (see DeliveryQueue::Claim). First the
// candidates: advertisers with a delivery that may go now (due, its webhook active and with
// fewer than $3 in flight) and fewer than $1 in flight, those with the fewest in flight first,
// then the longest waiting. $2: how many.
// Each active webhook is probed for its most overdue delivery (one row of
// idx_webhook_deliveries_pending), so that a claim costs the same whatever the backlog: reading
// every due delivery to find each advertiser's oldest made a claim cost 70 ms at 100,000
// pending, and the senders fell further behind the more they were behind.
const pg::Statement kCandidates{"notifier_claim_candidates", R"sql(
    WITH in_flight AS (
        SELECT w.advertiser_id, count(*) AS deliveries
        FROM webhook_deliveries d
        JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.lease_until > now() AND d.status = 'pending'
        GROUP BY w.advertiser_id),
    ready AS (
        SELECT w.advertiser_id, min(first.next_attempt_at) AS oldest
        FROM webhooks w
        CROSS JOIN LATERAL (
            SELECT d.next_attempt_at FROM webhook_deliveries d
            WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
            ORDER BY d.next_attempt_at
            LIMIT 1) first
        WHERE w.status = 'active' AND w.deleted_at IS NULL
          AND (SELECT count(*) FROM webhook_deliveries busy
               WHERE busy.webhook_id = w.id AND busy.lease_until > now()
                 AND busy.status = 'pending') < $3
        GROUP BY w.advertiser_id)
    SELECT ready.advertiser_id
    FROM ready LEFT JOIN in_flight USING (advertiser_id)
    WHERE coalesce(in_flight.deliveries, 0) < $1
    ORDER BY coalesce(in_flight.deliveries, 0), ready.oldest
    LIMIT $2)sql"};

// Claims for one advertiser take turns: a transaction-level advisory lock, released by COMMIT.
// A turn lasts one short statement, so waiting for it costs milliseconds; each transaction takes
// one advertiser's turn only, so two claims never wait for each other's (no deadlock).
const pg::Statement kTakeTurn{"notifier_claim_turn", R"sql(
    SELECT pg_advisory_xact_lock(hashtextextended('nedlia.notifier.' || $1::text, 0)))sql"};

// The claim proper, for advertiser $2, run after kTakeTurn in a statement of its own: its
// snapshot then shows every claim committed for the advertiser, which one statement that both
// waited for rows and read them (FOR UPDATE SKIP LOCKED) would not. So at most $4 deliveries
// in flight per webhook (a hanging endpoint holds that many senders) and at most $3 per
// advertiser (one tenant's endpoints never hold every sender). The attempt is counted when
// claimed, since a sender may crash after the receiver got it. Each of the advertiser's
// webhooks is probed for its most overdue delivery (locking that one row of each, for the
// claim's short transaction): scanning the due deliveries in time order instead read every
// other advertiser's backlog ahead of this one's.
const pg::Statement kClaim{"notifier_claim", R"sql(
    WITH busy AS (
        SELECT d.webhook_id
        FROM webhook_deliveries d
        JOIN webhooks w ON w.id = d.webhook_id
        WHERE w.advertiser_id = $2 AND d.lease_until > now() AND d.status = 'pending'),
    due AS (
        SELECT first.id
        FROM webhooks w
        CROSS JOIN LATERAL (
            SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
            WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now()
            ORDER BY d.next_attempt_at, d.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED) first
        WHERE w.advertiser_id = $2 AND w.status = 'active' AND w.deleted_at IS NULL
          AND (SELECT count(*) FROM busy WHERE busy.webhook_id = w.id) < $4
          AND (SELECT count(*) FROM busy) < $3
        ORDER BY first.next_attempt_at, first.id
        LIMIT 1)
    UPDATE webhook_deliveries d
    SET attempts = d.attempts + 1, last_attempt_at = now(),
        lease_until = now() + $1::int8 * interval '1 millisecond',
        next_attempt_at = now() + $1::int8 * interval '1 millisecond'
    FROM due, webhooks w
    WHERE d.id = due.id AND w.id = d.webhook_id
    RETURNING d.id, d.webhook_id, d.attempts, d.payload, w.url, w.secret)sql"};

// Claims and outcomes commit without waiting for the disk (or a synchronous standby): two
// such waits per delivery held one webhook to about 60 deliveries a second. A crash may lose
// the last of them, which only sends a delivery again, with its same webhook-id (receivers
// deduplicate by it: delivery is at least once anyway), or counts a failure less.
const pg::TransactionOptions kBookkeeping{.durable_commit = false};

// Advertisers a claim tries before it gives up until the next poll (each may have been served
// to its share by other senders meanwhile).
constexpr std::int32_t kCandidatesPerClaim = 8;

// Each outcome applies only while the claim is the current one (same attempt, still pending):
// a sender whose lease expired while it waited must not overwrite its successor's outcome.
const pg::Statement kSucceeded{"notifier_succeeded", R"sql(
    WITH done AS (
        UPDATE webhook_deliveries
        SET status = 'succeeded', response_status = $3, error = NULL, lease_until = NULL,
            delivered_at = now()
        WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING webhook_id)
    UPDATE webhooks SET consecutive_failures = 0, failing_since = NULL, last_success_at = now()
    WHERE id IN (SELECT webhook_id FROM done))sql"};

// $5: the wait before the next attempt, NULL when this was the last one. Returns whether the
// webhook has now failed for long enough to be disabled.
const pg::Statement kFailed{"notifier_failed", R"sql(
    WITH attempt AS (
        UPDATE webhook_deliveries
        SET status = CASE WHEN $5::int8 IS NULL THEN 'failed' ELSE 'pending' END,
            response_status = $3, error = $4, lease_until = NULL,
            next_attempt_at = now() + coalesce($5::int8, 0) * interval '1 millisecond'
        WHERE id = $1 AND attempts = $2 AND status = 'pending'
        RETURNING webhook_id)
    UPDATE webhooks w
    SET consecutive_failures = w.consecutive_failures + 1,
        failing_since = coalesce(w.failing_since, now())
    FROM attempt
    WHERE w.id = attempt.webhook_id AND w.deleted_at IS NULL
    RETURNING $5::int8 IS NULL
              OR (w.consecutive_failures >= $6
                  AND now() - w.failing_since >= $7::int8 * interval '1 millisecond'))sql"};

const pg::Statement kDisable{"notifier_disable", R"sql(
    UPDATE webhooks SET status = 'disabled', disabled_at = now()
    WHERE id = $1 AND status = 'active' AND deleted_at IS NULL
    RETURNING advertiser_id, url, consecutive_failures)sql"};

// The status says why; error keeps the last attempt's class, if there was one.
const pg::Statement kAbandon{"notifier_abandon", R"sql(
    UPDATE webhook_deliveries SET status = 'abandoned', lease_until = NULL
    WHERE webhook_id = $1 AND status = 'pending')sql"};

}  // namespace

void RecordDeliveries(pg::Connection& connection, const events::StoredEvent& event) {
  const pg::Result subscribers =
      connection.Execute(kSubscribers, pg::Params(event.id, event.type, event.created_at_ms));
  if (subscribers.Empty())
    return;
  const std::string payload = events::ToStructured(event.ToCloudEvent()).dump();
  for (const pg::Row& row : subscribers) {
    connection.Execute(kRecord, pg::Params(domain::Uuid::NewV7(), row[0].As<domain::Uuid>(),
                                           event.id, event.type, payload));
  }
}

std::pair<std::string, std::string> ClaimSqlForTests() {
  return {std::string(kCandidates.sql), std::string(kClaim.sql)};
}

DeliveryQueue::DeliveryQueue(pg::Pool& pool, const SenderOptions& options)
    : pool_(pool),
      options_(options),
      envelope_{.environment = options.environment, .platform_version = options.platform_version} {}

std::optional<ClaimedDelivery> DeliveryQueue::Claim() {
  const auto share = static_cast<std::int32_t>(options_.senders_per_advertiser);
  const auto per_webhook = static_cast<std::int32_t>(options_.in_flight_per_webhook);
  const pg::Result candidates =
      pool_.Acquire()->Execute(kCandidates, pg::Params(share, kCandidatesPerClaim, per_webhook));
  for (const pg::Row& candidate : candidates) {
    if (auto claimed = ClaimFor(candidate[0].As<domain::Uuid>()))
      return claimed;
  }
  return std::nullopt;
}

std::optional<ClaimedDelivery> DeliveryQueue::ClaimFor(const domain::Uuid& advertiser) {
  const auto lease = static_cast<std::int64_t>(options_.Lease().count());
  const auto share = static_cast<std::int32_t>(options_.senders_per_advertiser);
  const auto per_webhook = static_cast<std::int32_t>(options_.in_flight_per_webhook);
  return pg::RunInTransaction(
      pool_, kBookkeeping, [&](pg::Transaction& transaction) -> std::optional<ClaimedDelivery> {
        // One round trip: the server runs the turn, then the claim (whose snapshot is taken
        // when it starts, after the turn was granted), then COMMIT, which ends the turn at once
        // rather than a round trip later: claims for one advertiser take turns, so each moment
        // a turn is held delays every sender waiting for it.
        transaction.Conn().Defer(kTakeTurn, pg::Params(advertiser));
        const pg::Result result =
            transaction.ExecuteAndCommit(kClaim, pg::Params(lease, advertiser, share, per_webhook));
        if (result.Empty())
          return std::nullopt;
        const pg::Row row = result[0];
        return ClaimedDelivery{.id = row[0].As<domain::Uuid>(),
                               .webhook_id = row[1].As<domain::Uuid>(),
                               .attempt = row[2].As<std::int32_t>(),
                               .payload = row[3].As<std::string>(),
                               .url = row[4].As<std::string>(),
                               .secret = row[5].As<std::string>()};
      });
}

void DeliveryQueue::Record(const ClaimedDelivery& delivery, const PostOutcome& outcome) {
  pg::RunInTransaction(pool_, kBookkeeping, [&](pg::Transaction& transaction) {
    if (outcome.Succeeded()) {
      // Sent with the COMMIT, in one round trip.
      transaction.Conn().Defer(kSucceeded, pg::Params(delivery.id, delivery.attempt,
                                                      static_cast<std::int32_t>(outcome.status)));
      return;
    }
    RecordFailure(transaction.Conn(), delivery, outcome);
  });
}

void DeliveryQueue::RecordFailure(pg::Connection& connection, const ClaimedDelivery& delivery,
                                  const PostOutcome& outcome) {
  const auto retries = options_.retry_schedule.size();
  std::optional<std::int64_t> wait;
  if (static_cast<std::size_t>(delivery.attempt) <= retries)
    wait = options_.retry_schedule[static_cast<std::size_t>(delivery.attempt) - 1].count();
  std::optional<std::int32_t> status;
  if (outcome.status != 0)
    status = static_cast<std::int32_t>(outcome.status);
  // Only the class is stored: tenants read the delivery log (the detail is in the log).
  const std::string error(
      domain::DeliveryErrorName(outcome.error.value_or(domain::DeliveryError::kInternal)));
  const pg::Result result = connection.Execute(
      kFailed, pg::Params(delivery.id, delivery.attempt, status, error, wait,
                          options_.disable_after_failures,
                          static_cast<std::int64_t>(options_.disable_after_period.count())));
  if (!result.Empty() && result[0][0].As<bool>())
    Disable(connection, delivery.webhook_id, error);
}

void DeliveryQueue::Disable(pg::Connection& connection, const domain::Uuid& webhook_id,
                            const std::string& error) {
  const pg::Result disabled = connection.Execute(kDisable, pg::Params(webhook_id));
  if (disabled.Empty())
    return;  // disabled or deleted meanwhile
  // A disabling writes an event (and a tenant-visible state): its commit waits for the disk
  // like any change of data, unlike the claims' and outcomes' bookkeeping.
  pg::RequireDurableCommit(connection);
  connection.Execute(kAbandon, pg::Params(webhook_id));
  const pg::Row row = disabled[0];
  const domain::Uuid advertiser = row[0].As<domain::Uuid>();
  // The notifier itself disables: no API key is behind this change.
  const app::CallContext system{};
  events::OutboxRows outbox(connection, system, envelope_);
  outbox.Append({.type = "com.nedlia.webhook.disabled.v2",
                 .aggregate_type = "webhook",
                 .aggregate_id = webhook_id,
                 .advertiser_id = advertiser,
                 .data = {{"webhook_id", webhook_id.ToString()},
                          {"advertiser_id", advertiser.ToString()},
                          {"url_origin", domain::UrlOrigin(row[1].As<std::string>())},
                          {"consecutive_failures", row[2].As<std::int32_t>()},
                          {"last_error", error}}});
}

}  // namespace nedlia::notifier
