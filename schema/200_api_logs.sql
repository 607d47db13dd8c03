-- The API log: one row per HTTP request the API answered, written in batches by the server
-- (store::PgApiLog). Kept NEDLIA_RETENTION_API_LOG_DAYS (30 by default, as the specification's
-- retention table says) and then deleted, never archived.
CREATE TABLE api_logs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    method varchar(10) NOT NULL,
    path text NOT NULL,
    status smallint NOT NULL,
    duration_us bigint NOT NULL,
    principal_id uuid,
    trace_id varchar(32),
    CONSTRAINT chk_api_logs_status CHECK (status BETWEEN 100 AND 599),
    CONSTRAINT chk_api_logs_duration CHECK (duration_us >= 0)
);

-- Append-only in time order: a BRIN index finds a time range (the purge) at a tiny size.
CREATE INDEX idx_api_logs_created_at ON api_logs USING brin (created_at);
