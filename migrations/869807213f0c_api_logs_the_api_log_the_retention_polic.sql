-- nedlia migration
-- revision: 869807213f0c
-- down_revision: 3016a12f396b
-- message: api_logs: the API log the retention policy governs
-- created: 2026-12-02T00:52:49Z

-- +up
SET LOCAL lock_timeout = '5s';
SET LOCAL check_function_bodies = false;

-- table api_logs: only in schema/
CREATE TABLE api_logs (
    id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
    created_at timestamp with time zone NOT NULL,
    method character varying(10) NOT NULL,
    path text NOT NULL,
    status smallint NOT NULL,
    duration_us bigint NOT NULL,
    principal_id uuid,
    trace_id character varying(32)
);

-- constraint api_logs.api_logs_pkey: only in schema/
ALTER TABLE api_logs ADD CONSTRAINT api_logs_pkey PRIMARY KEY (id);

-- constraint api_logs.chk_api_logs_duration: only in schema/
ALTER TABLE api_logs ADD CONSTRAINT chk_api_logs_duration CHECK ((duration_us >= 0));

-- constraint api_logs.chk_api_logs_status: only in schema/
ALTER TABLE api_logs ADD CONSTRAINT chk_api_logs_status CHECK (((status >= 100) AND (status <= 599)));

-- index api_logs.idx_api_logs_created_at: only in schema/
CREATE INDEX idx_api_logs_created_at ON public.api_logs USING brin (created_at);

-- +down
SET LOCAL lock_timeout = '5s';
SET LOCAL check_function_bodies = false;

-- index api_logs.idx_api_logs_created_at: only in schema/
DROP INDEX idx_api_logs_created_at;

-- constraint api_logs.chk_api_logs_status: only in schema/
ALTER TABLE api_logs DROP CONSTRAINT chk_api_logs_status;

-- constraint api_logs.chk_api_logs_duration: only in schema/
ALTER TABLE api_logs DROP CONSTRAINT chk_api_logs_duration;

-- constraint api_logs.api_logs_pkey: only in schema/
ALTER TABLE api_logs DROP CONSTRAINT api_logs_pkey;

-- table api_logs: only in schema/
DROP TABLE api_logs;
