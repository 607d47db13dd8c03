-- nedlia migration
-- revision: 6e1b36014867
-- down_revision: ca7d966400a8
-- message: placement_file_objects: the placement files written, for their retention
-- created: 2026-12-06T10:30:00Z

-- +up
SET LOCAL lock_timeout = '5s';
SET LOCAL check_function_bodies = false;

-- table placement_file_objects: only in schema/
CREATE TABLE placement_file_objects (
    key text NOT NULL,
    video_id uuid NOT NULL,
    track_key text,
    written_at timestamp with time zone DEFAULT now() NOT NULL,
    superseded_at timestamp with time zone
);

-- table placement_file_sweeps: only in schema/
CREATE TABLE placement_file_sweeps (
    video_id uuid NOT NULL
);

-- constraint placement_file_objects.placement_file_objects_pkey: only in schema/
ALTER TABLE placement_file_objects ADD CONSTRAINT placement_file_objects_pkey PRIMARY KEY (key);

-- constraint placement_file_sweeps.placement_file_sweeps_pkey: only in schema/
ALTER TABLE placement_file_sweeps ADD CONSTRAINT placement_file_sweeps_pkey PRIMARY KEY (video_id);

-- index placement_file_objects.idx_placement_file_objects_current: only in schema/
CREATE INDEX idx_placement_file_objects_current ON public.placement_file_objects USING btree (video_id) WHERE (superseded_at IS NULL);

-- index placement_file_objects.idx_placement_file_objects_superseded: only in schema/
CREATE INDEX idx_placement_file_objects_superseded ON public.placement_file_objects USING btree (superseded_at) WHERE (superseded_at IS NOT NULL);

-- Files written before this table existed are known to no row: retention lists the objects of
-- each video that ever had a file once, and records them.
INSERT INTO placement_file_sweeps (video_id)
SELECT DISTINCT video_id FROM placements WHERE file_url IS NOT NULL;

-- +down
SET LOCAL lock_timeout = '5s';
SET LOCAL check_function_bodies = false;

-- index placement_file_objects.idx_placement_file_objects_superseded: only in schema/
DROP INDEX idx_placement_file_objects_superseded;

-- index placement_file_objects.idx_placement_file_objects_current: only in schema/
DROP INDEX idx_placement_file_objects_current;

-- constraint placement_file_sweeps.placement_file_sweeps_pkey: only in schema/
ALTER TABLE placement_file_sweeps DROP CONSTRAINT placement_file_sweeps_pkey;

-- constraint placement_file_objects.placement_file_objects_pkey: only in schema/
ALTER TABLE placement_file_objects DROP CONSTRAINT placement_file_objects_pkey;

-- table placement_file_sweeps: only in schema/
DROP TABLE placement_file_sweeps;

-- table placement_file_objects: only in schema/
DROP TABLE placement_file_objects;
