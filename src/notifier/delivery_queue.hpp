#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "domain/uuid.hpp"
#include "events/envelope.hpp"
#include "events/stored_event.hpp"
#include "notifier/http_post.hpp"
#include "notifier/notifier_options.hpp"
#include "pg/connection.hpp"
#include "pg/pool.hpp"

namespace nedlia::notifier {

/// A due delivery a sender has claimed: what to send, where, and with which key.
struct ClaimedDelivery {
  domain::Uuid id;  ///< the webhook-id header, the same on every attempt
  domain::Uuid webhook_id;
  std::int32_t attempt = 0;  ///< this attempt's number, from 1
  std::string payload;       ///< the CloudEvent's JSON text
  std::string url;
  std::string secret;
};

/// Records a pending delivery of `event` for each active webhook of the event's advertiser
/// subscribed to its type, inside the connection's open transaction. A delivery recorded
/// before is left alone, so the event keeps its one webhook-id however often it is handled.
void RecordDeliveries(pg::Connection& connection, const events::StoredEvent& event);

/// The SQL of a claim's two statements: the advertisers to try ($1 share, $2 how many, $3 in
/// flight per webhook), then the claim for one ($1 lease ms, $2 advertiser, $3 share, $4 in
/// flight per webhook). For tests that check that their
/// cost does not grow with the backlog.
std::pair<std::string, std::string> ClaimSqlForTests();

/// The webhook_deliveries queue as the senders see it.
class DeliveryQueue {
 public:
  DeliveryQueue(pg::Pool& pool, const SenderOptions& options);

  /// Claims a due delivery for options.Lease() (a sender that crashes holds it that long at
  /// most): never more than options.in_flight_per_webhook in flight for a webhook, nor more
  /// than options.senders_per_advertiser for an advertiser, however many senders claim at once in
  /// however many processes. Advertisers with the fewest deliveries in flight go first, then
  /// the longest waiting; within one, the most overdue delivery. nullopt when none may go.
  std::optional<ClaimedDelivery> Claim();
  /// Records the attempt's outcome (unless the claim expired and another sender took the
  /// delivery over): success; or a retry on the schedule; or, after the last attempt or a
  /// sustained run of failures, a failed delivery and a disabled webhook with its
  /// com.nedlia.webhook.disabled.v1 event, in one transaction.
  void Record(const ClaimedDelivery& delivery, const PostOutcome& outcome);

 private:
  /// Claims for `advertiser` in a transaction of its own, once the claims for it before this
  /// one have committed; nullopt when it has nothing it may send now.
  std::optional<ClaimedDelivery> ClaimFor(const domain::Uuid& advertiser);
  void RecordFailure(pg::Connection& connection, const ClaimedDelivery& delivery,
                     const PostOutcome& outcome);
  void Disable(pg::Connection& connection, const domain::Uuid& webhook_id,
               const std::string& error);

  pg::Pool& pool_;
  const SenderOptions& options_;
  events::EnvelopeSettings envelope_;
};

}  // namespace nedlia::notifier
