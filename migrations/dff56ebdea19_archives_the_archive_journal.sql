-- nedlia migration
-- revision: dff56ebdea19
-- down_revision: 869807213f0c
-- message: archives: the archive journal
-- created: 2026-12-02T01:58:28Z

-- +up
-- The journal of `nedlia archive run` (src/archive): see schema/300_archives.sql.
SET LOCAL lock_timeout = '5s';
SET LOCAL check_function_bodies = false;

-- table archives: only in schema/
CREATE TABLE archives (
    id uuid NOT NULL,
    table_name character varying(63) NOT NULL,
    partition_name character varying(63),
    key_prefix text NOT NULL,
    status character varying(20) DEFAULT 'pending'::character varying NOT NULL,
    row_count bigint,
    first_at timestamp with time zone,
    last_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    completed_at timestamp with time zone,
    restored_at timestamp with time zone
);

-- constraint archives.archives_key_prefix_key: only in schema/
ALTER TABLE archives ADD CONSTRAINT archives_key_prefix_key UNIQUE (key_prefix);

-- constraint archives.archives_pkey: only in schema/
ALTER TABLE archives ADD CONSTRAINT archives_pkey PRIMARY KEY (id);

-- constraint archives.chk_archives_rows: only in schema/
ALTER TABLE archives ADD CONSTRAINT chk_archives_rows CHECK ((row_count >= 0));

-- constraint archives.chk_archives_status: only in schema/
ALTER TABLE archives ADD CONSTRAINT chk_archives_status CHECK (status IN ('pending', 'complete', 'restored'));

-- +down
SET LOCAL lock_timeout = '5s';
SET LOCAL check_function_bodies = false;

-- constraint archives.chk_archives_status: only in schema/
ALTER TABLE archives DROP CONSTRAINT chk_archives_status;

-- constraint archives.chk_archives_rows: only in schema/
ALTER TABLE archives DROP CONSTRAINT chk_archives_rows;

-- constraint archives.archives_pkey: only in schema/
ALTER TABLE archives DROP CONSTRAINT archives_pkey;

-- constraint archives.archives_key_prefix_key: only in schema/
ALTER TABLE archives DROP CONSTRAINT archives_key_prefix_key;

-- table archives: only in schema/
DROP TABLE archives;
