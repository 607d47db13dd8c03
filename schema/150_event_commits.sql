-- Commit order. Every transaction that wrote events gets a number (seq) in the order it
-- committed, and readers (consumers, the feed, event streams) walk event_commits by seq, then
-- each transaction's events by position: a transaction that commits late lands after what was
-- read, never before it, so nothing is skipped and nothing waits for an unrelated transaction.
-- One writer numbers at a time (a transaction-level advisory lock), so seq order is the order
-- in which the numbers became visible. Who numbers is event_sequencing.reader:
--   'commit': the sequencer (src/sequencing) numbers each transaction as logical decoding
--             streams its commit;
--   'final':  readers call nedlia_sequence_final(), which numbers in xid order the transactions
--             below the oldest running one (the fallback where logical decoding is not allowed).
-- final_below: every transaction below it that wrote events is numbered; it bounds the scans.
-- event_types and advertisers (the distinct ones of the transaction's events) let a reader of a
-- few types, or of one advertiser, pass over the others' transactions without reading them.
-- nedlia_commit_seq maps a position's transaction to its number; a transaction that is not
-- numbered (a cursor from between transactions) maps to the one below it.
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

-- PL/pgSQL, not SQL: a SQL function with sub-SELECTs is planned again in every statement that
-- calls it; PL/pgSQL keeps its plans for the session.
CREATE FUNCTION nedlia_commit_seq(transaction xid8) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    found_seq bigint;
BEGIN
    SELECT seq INTO found_seq FROM event_commits WHERE transaction_id = $1;
    IF found_seq IS NULL THEN
        SELECT seq INTO found_seq FROM event_commits WHERE transaction_id < $1
        ORDER BY transaction_id DESC LIMIT 1;
    END IF;
    RETURN coalesce(found_seq, 0);
END
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
