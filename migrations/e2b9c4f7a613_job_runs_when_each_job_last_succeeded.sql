-- nedlia migration
-- revision: e2b9c4f7a613
-- down_revision: 8b3f0d6c1e27
-- message: job_runs: when each periodic job last succeeded, for metrics and alerts
-- created: 2026-12-06T20:50:00Z

-- +up
-- A new table: nothing running reads or locks it yet.
CREATE TABLE job_runs (
    job text PRIMARY KEY,
    last_success_at timestamptz,
    last_failure_at timestamptz,
    last_error text,
    successes bigint NOT NULL DEFAULT 0,
    failures bigint NOT NULL DEFAULT 0,
    rows_total bigint NOT NULL DEFAULT 0
);

-- +down
DROP TABLE job_runs;
