-- nedlia migration
-- revision: 3b8d5f0a7c21
-- down_revision: e2b9c4f7a613
-- message: event_commits: each transaction that wrote events, numbered in commit order
-- created: 2026-12-07T10:10:00Z

-- +up
-- New tables and functions: nothing running reads them yet. Readers of this release walk
-- event_commits in seq order; the transactions that are final today are numbered here, in the
-- order today's readers walked them, so that every saved position keeps its meaning.
CREATE TABLE event_commits (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id xid8 NOT NULL UNIQUE,
    first_created_at timestamptz NOT NULL,
    last_created_at timestamptz NOT NULL,
    event_types text[] NOT NULL,
    advertisers uuid[] NOT NULL,
    sequenced_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE event_sequencing (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    reader text NOT NULL DEFAULT 'final' CHECK (reader IN ('final', 'commit')),
    final_below xid8 NOT NULL DEFAULT '0'
);
INSERT INTO event_sequencing DEFAULT VALUES;

CREATE FUNCTION nedlia_commit_seq(transaction xid8) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(
        (SELECT seq FROM event_commits WHERE transaction_id = transaction),
        (SELECT seq FROM event_commits WHERE transaction_id < transaction
         ORDER BY transaction_id DESC LIMIT 1),
        0)
$$;

CREATE FUNCTION nedlia_sequence_final() RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    state event_sequencing;
    horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
    added integer;
BEGIN
    SELECT * INTO state FROM event_sequencing;
    IF state.reader <> 'final' OR horizon <= state.final_below THEN
        RETURN 0;
    END IF;
    -- "nedlia" in ASCII, then 8: one writer at a time, so that seq order is commit order.
    PERFORM pg_advisory_xact_lock(x'6E65646C69610008'::bigint);
    -- Numbers need not wait for a synchronous standby: a reader hands an event over only once
    -- the standby has it, and WAL reaches the standby in order, numbers before positions.
    PERFORM set_config('synchronous_commit', 'local', true);
    SELECT * INTO state FROM event_sequencing;
    IF state.reader <> 'final' OR horizon <= state.final_below THEN
        RETURN 0;
    END IF;
    INSERT INTO event_commits
        (transaction_id, first_created_at, last_created_at, event_types, advertisers)
    SELECT transaction_id, min(created_at), max(created_at),
           array_agg(DISTINCT event_type::text),
           coalesce(array_agg(DISTINCT advertiser_id) FILTER (WHERE advertiser_id IS NOT NULL),
                    '{}')
    FROM event_log
    WHERE transaction_id >= state.final_below AND transaction_id < horizon
    GROUP BY transaction_id
    ORDER BY transaction_id
    ON CONFLICT (transaction_id) DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    UPDATE event_sequencing SET final_below = horizon;
    IF added > 0 THEN
        PERFORM pg_notify('nedlia_events_numbered', '');
    END IF;
    RETURN added;
END
$$;

SELECT nedlia_sequence_final();

-- A position between two transactions' events (a horizon's) now names the last transaction
-- numbered below it.
UPDATE event_subscriptions s
SET last_transaction_id = (SELECT transaction_id FROM event_commits c
                           WHERE c.transaction_id < s.last_transaction_id
                           ORDER BY c.transaction_id DESC LIMIT 1),
    last_position = 9223372036854775807
WHERE NOT EXISTS (SELECT FROM event_commits c WHERE c.transaction_id = s.last_transaction_id)
  AND EXISTS (SELECT FROM event_commits c WHERE c.transaction_id < s.last_transaction_id);

-- +down
DROP FUNCTION nedlia_sequence_final();
DROP FUNCTION nedlia_commit_seq(xid8);
DROP TABLE event_sequencing;
DROP TABLE event_commits;
