#include "consumers/subscription_admin.hpp"

#include <stdexcept>

namespace nedlia::consumers {
namespace {

// $1: an event id or null, $2: a consumer or null.
constexpr const char* kFilter =
    " ($1::uuid IS NULL OR event_id = $1) AND "
    "($2::text IS NULL OR consumer = $2)";

pg::Params FilterParams(const DeadLetterFilter& filter) {
  return pg::Params(filter.event_id, filter.consumer);
}

std::uint64_t ToXid(const std::string& text) {
  return std::stoull(text);
}

}  // namespace

std::vector<SubscriptionStatus> SubscriptionAdmin::Subscriptions() {
  const pg::Result result = connection_.Execute(R"sql(
      SELECT s.consumer, max(s.partitions), sum(s.handled_count)::int8,
             (array_agg(s.last_transaction_id::text || '-' || s.last_position
                        ORDER BY nedlia_commit_seq(s.last_transaction_id), s.last_position))[1],
             count(s.retry_event_id)::int4, max(s.last_error),
             (SELECT count(*) FROM event_dead_letters d WHERE d.consumer = s.consumer)
      FROM event_subscriptions s GROUP BY s.consumer ORDER BY s.consumer)sql");
  std::vector<SubscriptionStatus> statuses;
  for (const pg::Row& row : result) {
    statuses.push_back({.consumer = row[0].As<std::string>(),
                        .partitions = row[1].As<std::int32_t>(),
                        .handled = row[2].As<std::int64_t>(),
                        .oldest = *events::LogPosition::Parse(row[3].As<std::string>()),
                        .blocked = row[4].As<std::int32_t>(),
                        .last_error = row[5].As<std::optional<std::string>>().value_or(""),
                        .dead_letters = row[6].As<std::int64_t>()});
  }
  return statuses;
}

std::vector<DeadLetterRecord> SubscriptionAdmin::DeadLetters(const DeadLetterFilter& filter) {
  const pg::Result result = connection_.Execute(std::string(R"sql(
      SELECT event_id, consumer, event_type, attempts, last_error,
             (extract(epoch FROM failed_at) * 1000)::int8, replay_requested_at IS NOT NULL
      FROM event_dead_letters WHERE)sql") + kFilter +
                                                    " ORDER BY failed_at, event_id",
                                                FilterParams(filter));
  std::vector<DeadLetterRecord> letters;
  for (const pg::Row& row : result) {
    letters.push_back({.event_id = row[0].As<domain::Uuid>(),
                       .consumer = row[1].As<std::string>(),
                       .event_type = row[2].As<std::string>(),
                       .attempts = row[3].As<std::int32_t>(),
                       .last_error = row[4].As<std::string>(),
                       .failed_at_ms = row[5].As<std::int64_t>(),
                       .replay_requested = row[6].As<bool>()});
  }
  return letters;
}

int SubscriptionAdmin::RequestReplay(const DeadLetterFilter& filter) {
  return connection_
      .Execute(std::string("UPDATE event_dead_letters SET replay_requested_at = now() WHERE") +
                   kFilter + " RETURNING 1",
               FilterParams(filter))
      .RowCount();
}

int SubscriptionAdmin::Discard(const DeadLetterFilter& filter) {
  return connection_
      .Execute(std::string("DELETE FROM event_dead_letters WHERE") + kFilter + " RETURNING 1",
               FilterParams(filter))
      .RowCount();
}

void SubscriptionAdmin::Rewind(const std::string& consumer, const events::LogPosition& after) {
  const std::string xid = std::to_string(after.transaction_id);
  const pg::Result moved = connection_.Execute(
      R"sql(UPDATE event_subscriptions
            SET last_transaction_id = $2::xid8, last_position = $3, retry_event_id = NULL,
                retry_attempts = 0, retry_at = NULL, last_error = NULL, updated_at = now()
            WHERE consumer = $1 RETURNING 1)sql",
      pg::Params(consumer, xid, after.position));
  if (moved.Empty())
    throw std::runtime_error("no consumer " + consumer + " (see `nedlia events consumers`)");
  connection_.Execute(
      R"sql(DELETE FROM processed_events p USING event_log e
            WHERE p.consumer = $1 AND e.id = p.event_id
              AND (nedlia_commit_seq(e.transaction_id), e.position)
                  > (nedlia_commit_seq($2::xid8), $3::int8))sql",
      pg::Params(consumer, xid, after.position));
}

events::LogPosition SubscriptionAdmin::PositionBefore(const std::string& time) {
  // The first event, in commit order, of a transaction with an event since `time`.
  const pg::Result first = connection_.Execute(
      R"sql(SELECT e.transaction_id::text, e.position, c.seq
            FROM event_commits c
            JOIN event_log e ON e.transaction_id = c.transaction_id
                            AND e.created_at BETWEEN c.first_created_at AND c.last_created_at
            WHERE c.last_created_at >= $1::timestamptz
            ORDER BY c.seq, e.position LIMIT 1)sql",
      pg::Params(time));
  if (!first.Empty()) {
    return Before({.transaction_id = ToXid(first[0][0].As<std::string>()),
                   .position = first[0][1].As<std::int64_t>(),
                   .sequence = first[0][2].As<std::int64_t>()});
  }
  // Nothing since: past the last numbered transaction.
  const pg::Result top = connection_.Execute(
      "SELECT seq, transaction_id::text FROM event_commits ORDER BY seq DESC LIMIT 1");
  if (top.Empty())
    return {};
  return events::LogPosition::Through(top[0][0].As<std::int64_t>(),
                                      ToXid(top[0][1].As<std::string>()));
}

events::LogPosition SubscriptionAdmin::Before(const events::LogPosition& at) {
  // Positions are unique and grow within a transaction, so (position - 1) in the same
  // transaction sorts right before it and after every event of a transaction numbered before.
  return {
      .transaction_id = at.transaction_id, .position = at.position - 1, .sequence = at.sequence};
}

}  // namespace nedlia::consumers
