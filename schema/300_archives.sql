-- The archive journal: one row per archive that `nedlia archive run` makes (src/archive). A row
-- is written 'pending', in a transaction of its own, before anything goes to the object store;
-- it becomes 'complete' in the same transaction that deletes the archived rows (or drops the
-- archived event_log partition), and 'restored' in the one that brings them back. So after a
-- crash, a 'pending' row names objects whose rows are all still in the database: the next run
-- deletes those objects and archives the rows again, and no row ends up in two places.
CREATE TABLE archives (
    id uuid PRIMARY KEY,
    table_name varchar(63) NOT NULL,
    partition_name varchar(63),
    key_prefix text NOT NULL UNIQUE,
    status varchar(20) NOT NULL DEFAULT 'pending',
    row_count bigint,
    first_at timestamptz,
    last_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    restored_at timestamptz,
    -- The schema revision the rows were read at, as in the manifest: restore refuses a manifest
    -- that says otherwise. NULL for archives completed before the journal recorded it.
    schema_revision text,
    CONSTRAINT chk_archives_status CHECK (status IN ('pending', 'complete', 'restored')),
    CONSTRAINT chk_archives_rows CHECK (row_count >= 0)
);

-- Retention finds deleted placements by when they were deleted, and validation runs by when
-- they were made, without reading the whole table every day.
CREATE INDEX idx_placements_deleted_at ON placements USING btree (deleted_at)
    WHERE (deleted_at IS NOT NULL);
CREATE INDEX idx_validation_runs_created_at ON validation_runs USING btree (created_at);
