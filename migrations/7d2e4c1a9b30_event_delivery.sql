-- nedlia migration
-- revision: 7d2e4c1a9b30
-- down_revision: 5c1e7b2d9a40
-- message: event delivery: durable subscriptions, processed events, dead letters
-- created: 2026-11-25T18:30:00Z

-- +up
SET LOCAL lock_timeout = '5s';

-- The advertiser an event is about (none for the shared video catalog), for the event feed's
-- tenancy: an advertiser key reads only its own advertiser's events.
ALTER TABLE event_log ADD COLUMN advertiser_id UUID;
-- lint: allow index-not-concurrent: event_log is partitioned, and PostgreSQL 15 builds no index concurrently on a partitioned table
CREATE INDEX idx_event_log_advertiser ON event_log (advertiser_id, transaction_id, position)
    WHERE advertiser_id IS NOT NULL;

-- Readers walk the log in (transaction_id, position) order, below the oldest transaction still
-- running, so that an event committed late is never skipped (see event_log's comments).
-- lint: allow index-not-concurrent: event_log is partitioned, and PostgreSQL 15 builds no index concurrently on a partitioned table
CREATE INDEX idx_event_log_delivery ON event_log (transaction_id, position);

-- A durable subscription per consumer, split into partitions by aggregate: the events of one
-- aggregate always fall in the same partition (hashtext(aggregate_id) % partitions), which keeps
-- them in order while processes share the partitions. A partition is worked on by whoever holds
-- its transaction-level advisory lock, so two processes never handle one event at once, and a
-- process killed mid-batch loses its lock and its uncommitted work together.
CREATE TABLE event_subscriptions (
    consumer VARCHAR(100) NOT NULL,
    partition SMALLINT NOT NULL,
    partitions SMALLINT NOT NULL,
    -- The last event handled (or dead-lettered): the partition resumes after it.
    last_transaction_id xid8 NOT NULL DEFAULT '0',
    last_position BIGINT NOT NULL DEFAULT 0,
    -- The event that failed and blocks the partition until its next attempt (head of line:
    -- later events of the same aggregates must not overtake it).
    retry_event_id UUID,
    retry_attempts INTEGER NOT NULL DEFAULT 0,
    retry_at TIMESTAMPTZ,
    last_error TEXT,
    handled_count BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),

    PRIMARY KEY (consumer, partition),
    CONSTRAINT chk_partition CHECK (partition >= 0 AND partition < partitions),
    CONSTRAINT chk_retry CHECK ((retry_event_id IS NULL) = (retry_at IS NULL))
);

COMMENT ON TABLE event_subscriptions IS
    'Durable position of each consumer in event_log, per partition of aggregates.';

-- Events a consumer has handled, written in the same transaction as the handler's effects:
-- a redelivery (replay, a dead letter sent again, JetStream redelivery) is recognised and
-- skipped, so effects apply once.
CREATE TABLE processed_events (
    consumer VARCHAR(100) NOT NULL,
    event_id UUID NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),

    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX idx_processed_events_processed_at ON processed_events (processed_at);

-- Events a consumer gave up on after its retries; `nedlia events dead-letters replay` asks the
-- consumer to try one again (replay_requested_at), `discard` drops it.
CREATE TABLE event_dead_letters (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    consumer VARCHAR(100) NOT NULL,
    event_id UUID NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    attempts INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    replay_requested_at TIMESTAMPTZ,

    CONSTRAINT uq_dead_letter UNIQUE (consumer, event_id)
);

-- +down
DROP TABLE event_dead_letters;
DROP TABLE processed_events;
DROP TABLE event_subscriptions;
DROP INDEX idx_event_log_delivery;
DROP INDEX idx_event_log_advertiser;
ALTER TABLE event_log DROP COLUMN advertiser_id;
