#include "consumers/subscription_rows.hpp"

#include <stdexcept>

#include "events/structured_text.hpp"

namespace nedlia::consumers {
namespace {

// The columns EventOf reads, in order (pg::Statement views its text: kept in strings).
const std::string kEventColumns = R"sql(
    e.id, e.event_type, e.aggregate_type, e.aggregate_id, e.data::text, e.metadata::text,
    (extract(epoch FROM e.created_at) * 1000)::int8, e.created_by, e.transaction_id::text,
    e.position, nedlia_commit_seq(e.transaction_id))sql";

const pg::Statement kEnsure{"delivery_ensure", R"sql(
    INSERT INTO event_subscriptions (consumer, partition, partitions)
    SELECT $1, p, $2 FROM generate_series(0, $2 - 1) AS p
    ON CONFLICT (consumer, partition) DO NOTHING)sql"};

const pg::Statement kPartitionCounts{"delivery_partition_counts", R"sql(
    SELECT DISTINCT partitions FROM event_subscriptions WHERE consumer = $1)sql"};

// A transaction-level advisory lock: released by COMMIT, ROLLBACK or the backend's death, and
// (unlike a row lock) it takes no transaction id, so it holds back no reader's horizon.
const pg::Statement kTryLock{"delivery_try_lock", R"sql(
    SELECT pg_try_advisory_xact_lock(hashtext('nedlia.delivery.' || $1), $2))sql"};

const pg::Statement kLoad{"delivery_load", R"sql(
    SELECT last_transaction_id::text, last_position, retry_event_id, retry_attempts,
           (extract(epoch FROM retry_at - clock_timestamp()) * 1000)::int8, last_error,
           nedlia_commit_seq(last_transaction_id),
           (SELECT reader = 'final' FROM event_sequencing)
    FROM event_subscriptions WHERE consumer = $1 AND partition = $2)sql"};

// Commit order: event_commits numbers each transaction that wrote events as it commits
// (schema/150_event_commits.sql), and a read walks those numbers upwards, each transaction's
// events by position, so an event committed late lands after the position, never before it.
// The cursor is ($2, $3) with its sequence $10 when known (0: resolved from its transaction).
// Two parts, so that each walks an index in order and stops at the limit (a generic plan knows
// no transaction's size; as one join, the planner sorted all of the cursor's transaction's
// remaining events for every read of a large one):
// - own: the rest of the cursor's transaction, a range of the delivery index from ($2, $3)
//   to the transaction's end (written as a range, so that the estimate stays large enough for
//   the planner to merge the partitions' indexes in order rather than sort them);
// - later: the transactions numbered after it, read only when own came back short. walk steps
//   through them one index probe at a time, in commit order, and only as far as later pulls:
//   the read stops as soon as it holds the rows it wants; walk yields transactions in commit
//   order and the lateral join keeps its outer side's order, so the rows later takes are the
//   first ones (the final ORDER BY sorts them with own's). (As one join sorted by commit, a
//   generic plan made while event_commits was small read every transaction after the cursor
//   for each read: 0.66 s per read behind a backlog of 300 transactions of 500 events.) Only
//   transactions with events of the types read are visited (a consumer of rare types passes
//   over the others' transactions without reading them), each transaction's events within its
//   created_at range, so that only its month's partition is probed.
// hashtext's sign bit is masked to keep partitions non-negative. The processed mark is probed
// per row (LATERAL ... LIMIT 1): as a plain LEFT JOIN, stale statistics (a new consumer, a
// young database) made the planner hash all of the consumer's processed events for every read.
// $8 false skips the probe (a consumer that keeps no marks): a one-time filter, evaluated once
// per execution. $9 true reads the metadata without specversion, for events::StructuredText.
// Each row carries the last numbered transaction, from the same statement's snapshot: a read
// that comes back short proves that no other event of these types lies up to it, and an empty
// read still yields one row, the top's (the event columns are then null).
const std::string kReadSql = R"sql(
    WITH RECURSIVE cursor AS MATERIALIZED (
      SELECT CASE WHEN $10::int8 > 0 THEN $10::int8 ELSE nedlia_commit_seq($2::xid8) END AS seq),
    own AS MATERIALIZED (
      SELECT e.*, c.seq FROM event_commits c
      CROSS JOIN LATERAL (
        SELECT e.id, e.event_type, e.aggregate_type, e.aggregate_id, e.data, e.metadata,
               e.created_at, e.created_by, e.transaction_id, e.position
        FROM event_log e
        WHERE (e.transaction_id, e.position) > (c.transaction_id, $3::int8)
          AND e.transaction_id <= c.transaction_id
          AND e.event_type = ANY ($4::text[])
          AND (hashtext(e.aggregate_id::text) & 2147483647) % $5 = $6
        ORDER BY e.transaction_id, e.position
        LIMIT $7) e
      WHERE c.seq = (SELECT seq FROM cursor)),
    wanted AS MATERIALIZED (SELECT $7 - count(*) AS n FROM own),
    walk AS (
      (SELECT c.seq, c.transaction_id, c.first_created_at, c.last_created_at
       FROM event_commits c
       WHERE c.seq > (SELECT seq FROM cursor) AND c.event_types && $4::text[]
       ORDER BY c.seq LIMIT 1)
      UNION ALL
      SELECT c.* FROM walk w
      CROSS JOIN LATERAL (
        SELECT c.seq, c.transaction_id, c.first_created_at, c.last_created_at
        FROM event_commits c
        WHERE c.seq > w.seq AND c.event_types && $4::text[]
        ORDER BY c.seq LIMIT 1) c),
    later AS MATERIALIZED (
      SELECT e.*, w.seq FROM walk w
      CROSS JOIN LATERAL (
        SELECT e.id, e.event_type, e.aggregate_type, e.aggregate_id, e.data, e.metadata,
               e.created_at, e.created_by, e.transaction_id, e.position
        FROM event_log e
        WHERE e.transaction_id = w.transaction_id
          AND e.created_at BETWEEN w.first_created_at AND w.last_created_at
          AND e.event_type = ANY ($4::text[])
          AND (hashtext(e.aggregate_id::text) & 2147483647) % $5 = $6
        ORDER BY e.position
        LIMIT (SELECT n FROM wanted)) e
      WHERE (SELECT n FROM wanted) > 0
      LIMIT (SELECT n FROM wanted))
    SELECT e.id, e.event_type, e.aggregate_type, e.aggregate_id, e.data::text,
           (CASE WHEN $9 THEN e.metadata - 'specversion' ELSE e.metadata END)::text,
           (extract(epoch FROM e.created_at) * 1000)::int8, e.created_by, e.transaction_id::text,
           e.position, p.processed IS NOT NULL, e.seq, top.seq, top.transaction_id::text
    FROM (SELECT) one
    LEFT JOIN LATERAL (SELECT seq, transaction_id FROM event_commits
                       ORDER BY seq DESC LIMIT 1) top ON true
    LEFT JOIN (SELECT * FROM own UNION ALL SELECT * FROM later) e ON true
    LEFT JOIN LATERAL (SELECT true AS processed FROM processed_events p
                       WHERE $8 AND p.consumer = $1 AND p.event_id = e.id LIMIT 1) p ON true
    ORDER BY e.seq, e.position)sql";
const pg::Statement kRead{"delivery_read", kReadSql};

const pg::Statement kMarkProcessed{"delivery_mark_processed", R"sql(
    INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
    ON CONFLICT DO NOTHING)sql"};

// A read's events, marked in one statement after their handlers ran, not each in its handler's
// savepoint: a savepoint that writes takes a subtransaction id, which the commit record lists
// and logical decoding tracks, for every event, and each mark was a statement of its own.
const pg::Statement kMarkAllProcessed{"delivery_mark_all_processed", R"sql(
    INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
    ON CONFLICT DO NOTHING)sql"};

const pg::Statement kClaim{"delivery_claim", R"sql(
    INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
    ON CONFLICT DO NOTHING RETURNING true)sql"};

const pg::Statement kSave{"delivery_save", R"sql(
    UPDATE event_subscriptions
    SET last_transaction_id = $3::xid8, last_position = $4, retry_event_id = $5,
        retry_attempts = $6,
        retry_at = CASE WHEN $5::uuid IS NULL THEN NULL
                        ELSE clock_timestamp() + $7 * interval '1 millisecond' END,
        last_error = $8, handled_count = handled_count + $9, updated_at = now()
    WHERE consumer = $1 AND partition = $2)sql"};

const pg::Statement kDeadLetter{"delivery_dead_letter", R"sql(
    INSERT INTO event_dead_letters (consumer, event_id, event_type, attempts, last_error)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (consumer, event_id)
    DO UPDATE SET attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
                  failed_at = now())sql"};

const std::string kLockReplaysSql = "SELECT " + kEventColumns + R"sql(
    FROM event_dead_letters d JOIN event_log e ON e.id = d.event_id
    WHERE d.consumer = $1 AND d.replay_requested_at IS NOT NULL
    ORDER BY nedlia_commit_seq(e.transaction_id), e.position
    LIMIT $2
    FOR UPDATE OF d SKIP LOCKED)sql";
const pg::Statement kLockReplays{"delivery_lock_replays", kLockReplaysSql};

const pg::Statement kForgetDeadLetter{"delivery_forget_dead_letter", R"sql(
    DELETE FROM event_dead_letters WHERE consumer = $1 AND event_id = $2)sql"};

const pg::Statement kDeadLetterFailedAgain{"delivery_dead_letter_failed_again", R"sql(
    UPDATE event_dead_letters
    SET attempts = attempts + 1, last_error = $3, failed_at = now(), replay_requested_at = NULL
    WHERE consumer = $1 AND event_id = $2)sql"};

std::uint64_t ToXid(const std::string& text) {
  return std::stoull(text);
}

/// A row starting with kEventColumns; `as_text` when its metadata comes without specversion.
/// kReadSql's rows have the sequence at 11, kEventColumns' at 10.
events::StoredEvent EventOf(const pg::Row& row, int sequence_column, bool as_text = false) {
  events::StoredEvent event{.id = row[0].As<domain::Uuid>(),
                            .type = row[1].As<std::string>(),
                            .aggregate_type = row[2].As<std::string>(),
                            .aggregate_id = row[3].As<domain::Uuid>(),
                            .data = nullptr,
                            .metadata = nullptr,
                            .created_at_ms = row[6].As<std::int64_t>(),
                            .created_by = row[7].As<std::optional<domain::Uuid>>(),
                            .at = {.transaction_id = ToXid(row[8].As<std::string>()),
                                   .position = row[9].As<std::int64_t>(),
                                   .sequence = row[sequence_column].As<std::int64_t>()}};
  if (as_text) {
    event.structured_text = events::StructuredText(event, row[5].View(), row[4].View());
  } else {
    event.data = nlohmann::json::parse(row[4].View());
    event.metadata = nlohmann::json::parse(row[5].View());
  }
  return event;
}

}  // namespace

void SubscriptionRows::Ensure(const std::string& consumer, int partitions) {
  for (const pg::Row& row : connection_.Execute(kPartitionCounts, pg::Params(consumer))) {
    const int existing = row[0].As<std::int32_t>();
    if (existing != partitions) {
      throw std::runtime_error("consumer " + consumer + " has " + std::to_string(existing) +
                               " partitions, not " + std::to_string(partitions) +
                               ": start it with the same number");
    }
  }
  connection_.Execute(kEnsure, pg::Params(consumer, partitions));
}

bool SubscriptionRows::TryLock(const std::string& consumer, int partition) {
  return connection_.Execute(kTryLock, pg::Params(consumer, partition)).Single()[0].As<bool>();
}

PartitionState SubscriptionRows::Load(const std::string& consumer, int partition) {
  const pg::Row row = connection_.Execute(kLoad, pg::Params(consumer, partition)).Single();
  PartitionState state;
  state.last = {.transaction_id = ToXid(row[0].As<std::string>()),
                .position = row[1].As<std::int64_t>(),
                .sequence = row[6].As<std::int64_t>()};
  state.retry_event_id = row[2].As<std::optional<domain::Uuid>>();
  state.retry_attempts = row[3].As<std::int32_t>();
  state.retry_in_ms = row[4].IsNull() ? 0 : row[4].As<std::int64_t>();
  state.last_error = row[5].As<std::optional<std::string>>().value_or("");
  state.readers_number = row[7].As<bool>();
  return state;
}

ReadBatch SubscriptionRows::ReadAfter(const ConsumerOptions& options,
                                      const events::LogPosition& after,
                                      const std::vector<std::string>& types, int partition,
                                      int limit) {
  // A custom plan (the default for the first executions of a prepared statement, and whenever
  // it looks cheaper) is made afresh at each read, costing several times the read itself, and
  // sorts everything after the position; the generic plan walks the delivery index in order
  // and stops at the limit. Sent with the read, in the same round trip.
  connection_.Defer("SET LOCAL plan_cache_mode = force_generic_plan");
  const pg::Result result = connection_.Execute(
      kRead, pg::Params(options.name, std::to_string(after.transaction_id), after.position, types,
                        options.partitions, partition, limit, options.mark_processed,
                        options.as_text, after.sequence));
  ReadBatch batch;
  batch.deliveries.reserve(static_cast<std::size_t>(result.RowCount()));
  for (const pg::Row& row : result) {
    if (batch.deliveries.empty() && !row[12].IsNull()) {
      batch.seen_up_to = events::LogPosition::Through(row[12].As<std::int64_t>(),
                                                      ToXid(row[13].As<std::string>()));
    }
    if (!row[0].IsNull())
      batch.deliveries.push_back({EventOf(row, 11, options.as_text), row[10].As<bool>()});
  }
  return batch;
}

void SubscriptionRows::MarkProcessed(const std::string& consumer, const domain::Uuid& event_id) {
  connection_.Defer(kMarkProcessed, pg::Params(consumer, event_id));
}

void SubscriptionRows::MarkProcessed(const std::string& consumer,
                                     const std::vector<domain::Uuid>& event_ids) {
  connection_.Defer(kMarkAllProcessed, pg::Params(consumer, event_ids));
}

bool SubscriptionRows::Claim(const std::string& consumer, const domain::Uuid& event_id) {
  return !connection_.Execute(kClaim, pg::Params(consumer, event_id)).Empty();
}

void SubscriptionRows::Save(const std::string& consumer, int partition, const PartitionState& state,
                            std::int64_t handled, std::int64_t retry_delay_ms) {
  connection_.Defer(
      kSave,
      pg::Params(consumer, partition, std::to_string(state.last.transaction_id),
                 state.last.position, state.retry_event_id, state.retry_attempts, retry_delay_ms,
                 state.last_error.empty() ? std::optional<std::string>()
                                          : std::optional<std::string>(state.last_error),
                 handled));
}

void SubscriptionRows::DeadLetter(const std::string& consumer, const events::StoredEvent& event,
                                  int attempts, const std::string& error) {
  connection_.Defer(kDeadLetter, pg::Params(consumer, event.id, event.type, attempts, error));
}

std::vector<events::StoredEvent> SubscriptionRows::LockReplays(const std::string& consumer,
                                                               int limit) {
  std::vector<events::StoredEvent> replays;
  for (const pg::Row& row : connection_.Execute(kLockReplays, pg::Params(consumer, limit)))
    replays.push_back(EventOf(row, 10));
  return replays;
}

void SubscriptionRows::ForgetDeadLetter(const std::string& consumer, const domain::Uuid& event_id) {
  connection_.Defer(kForgetDeadLetter, pg::Params(consumer, event_id));
}

void SubscriptionRows::DeadLetterFailedAgain(const std::string& consumer,
                                             const domain::Uuid& event_id,
                                             const std::string& error) {
  connection_.Defer(kDeadLetterFailedAgain, pg::Params(consumer, event_id, error));
}

}  // namespace nedlia::consumers
