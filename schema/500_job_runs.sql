-- The platform's periodic jobs (archive runs, base backups, partition upkeep, retention), one
-- row each, written by whichever process ran the job: any process then exports when each last
-- succeeded (nedlia_last_success_timestamp_seconds), for alerts such as "no backup for 26 h".
-- rows_total counts what the job moved over its life (rows archived, for archive).
CREATE TABLE job_runs (
    job text PRIMARY KEY,
    last_success_at timestamptz,
    last_failure_at timestamptz,
    last_error text,
    successes bigint NOT NULL DEFAULT 0,
    failures bigint NOT NULL DEFAULT 0,
    rows_total bigint NOT NULL DEFAULT 0
);
