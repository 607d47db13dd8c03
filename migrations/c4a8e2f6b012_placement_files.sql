-- nedlia migration
-- revision: c4a8e2f6b012
-- down_revision: b7c3d1e5f901
-- message: placement files: videos waiting for regeneration; file_url written without a new version
-- created: 2026-12-03T20:30:00Z

-- +up
-- Videos whose placement files must be generated again. The file-generator's event handler
-- only marks a video here (in the delivery transaction, so a mark is never lost and never made
-- twice for one event); a later step regenerates each marked video once from the current rows,
-- and deletes the mark only if its generation is still the one it read: an event that marked
-- the video again meanwhile keeps it marked. A burst of events thus costs one regeneration.
-- Generations come from one sequence, so a mark read before its row was deleted and inserted
-- again never matches the new row.
CREATE SEQUENCE placement_file_generation;

CREATE TABLE placement_file_jobs (
    video_id UUID PRIMARY KEY REFERENCES videos(id),
    generation BIGINT NOT NULL,
    marked_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    -- Failed regenerations (the object store down): retried from not_before, with backoff.
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_error TEXT
);

CREATE INDEX idx_placement_file_jobs_due ON placement_file_jobs (not_before);

COMMENT ON TABLE placement_file_jobs IS
    'Videos whose placement files are stale: marked by the file-generator consumer, cleared when regenerated.';

-- file_url is derived (the generator writes it after every change of the video's placements):
-- writing it is not a change of the placement, so it must neither bump version (clients'
-- If-Match would fail for a change they never made) nor emit an event (which would make the
-- generator run again, forever). The generator says so with SET LOCAL nedlia.derived_write;
-- every other update, a client's PATCH of file_url included, bumps version as before.
CREATE FUNCTION nedlia_touch_placement() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD
       AND coalesce(current_setting('nedlia.derived_write', true), '') <> 'on' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION nedlia_touch_placement() IS
    'BEFORE UPDATE on placements: nedlia_touch_row(), except for derived writes (nedlia.derived_write = on).';

SET LOCAL lock_timeout = '5s';
DROP TRIGGER trg_placements_touch ON placements;
CREATE TRIGGER trg_placements_touch BEFORE UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_placement();

-- +down
DROP TRIGGER trg_placements_touch ON placements;
CREATE TRIGGER trg_placements_touch BEFORE UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();
DROP FUNCTION nedlia_touch_placement();
DROP TABLE placement_file_jobs;
DROP SEQUENCE placement_file_generation;
