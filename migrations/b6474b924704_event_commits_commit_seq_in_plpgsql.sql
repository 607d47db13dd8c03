-- nedlia migration
-- revision: b6474b924704
-- down_revision: 3b8d5f0a7c21
-- message: nedlia_commit_seq in PL/pgSQL: its plan is kept for the session, not made per statement
-- created: 2026-12-07T14:40:00Z

-- +up
-- A language SQL function with sub-SELECTs is not inlined, and its query is planned again in
-- every statement that calls it: a tenth of a millisecond for a lookup of a few microseconds,
-- on each pass of each consumer. PL/pgSQL keeps its plans for the session. Same arguments,
-- same results: callers see no change.
CREATE OR REPLACE FUNCTION nedlia_commit_seq(transaction xid8) RETURNS bigint
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

-- +down
CREATE OR REPLACE FUNCTION nedlia_commit_seq(transaction xid8) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(
        (SELECT seq FROM event_commits WHERE transaction_id = transaction),
        (SELECT seq FROM event_commits WHERE transaction_id < transaction
         ORDER BY transaction_id DESC LIMIT 1),
        0)
$$;
