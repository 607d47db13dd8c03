-- nedlia migration
-- revision: 1635326d1730
-- down_revision: 5ad5cfbb1b22
-- message: contract: placements.start_time dropped, its constraints, index and view on time_start
-- created: 2026-12-04T09:10:00Z
-- breaks: releases before this one

-- +up
-- Renaming placements.start_time to time_start, phase 3 of 3 (contract; see README.md beside this
-- file). Run only once no instance of the application that uses start_time is left: from here on
-- its queries fail. One transaction: the objects on start_time and their replacements on
-- time_start swap at once, under the same names, so the application's mapping of constraint names
-- to errors (chk_time_range, excl_placements_active_overlap) holds throughout.
SET LOCAL lock_timeout = '5s';

DROP TRIGGER trg_placements_sync_time_start ON placements;
DROP FUNCTION nedlia_sync_placement_time_start();

-- The read model's defining query (see 0ee3fb659c10) keeps its column names: placement_details
-- and the projector that copies from this view go on calling the column start_time.
CREATE OR REPLACE VIEW placement_details_definition AS
SELECT
    p.id,
    p.video_id,
    v.title AS video_title,
    p.product_id,
    pr.name AS product_name,
    pr.category AS product_category,
    a.name AS advertiser_name,
    p.time_start AS start_time,
    p.end_time,
    p.description,
    p.status,
    p.file_url,
    p.created_at,
    a.id AS advertiser_id
FROM placements p
JOIN videos v ON p.video_id = v.id
JOIN products pr ON p.product_id = pr.id
JOIN advertisers a ON pr.advertiser_id = a.id
WHERE p.deleted_at IS NULL AND v.deleted_at IS NULL AND pr.deleted_at IS NULL
  AND a.deleted_at IS NULL;

ALTER TABLE placements DROP CONSTRAINT excl_placements_active_overlap;
ALTER TABLE placements DROP CONSTRAINT chk_time_range;
DROP INDEX idx_placements_time;
ALTER TABLE placements DROP COLUMN start_time;

-- Built and validated by phase 2 while writes went on.
ALTER TABLE placements RENAME CONSTRAINT chk_time_range_new TO chk_time_range;
ALTER INDEX idx_placements_time_new RENAME TO idx_placements_time;

-- The one costly step: PostgreSQL cannot build an exclusion constraint concurrently, nor attach
-- one to an index built beforehand, so its GiST index is built here while the table's ACCESS
-- EXCLUSIVE lock is held, reads included (measured: 27 s for 300,000 placements on two cores
-- shared with a compiler): plan the contract for a quiet hour. Built in phase 2 instead, beside
-- the old one, it would cost the same lock there, and a second GiST index to maintain on every
-- write until the contract.
ALTER TABLE placements ADD CONSTRAINT excl_placements_active_overlap EXCLUDE USING gist (
    video_id WITH =,
    product_id WITH =,
    numrange(time_start, end_time, '[)') WITH &&
) WHERE (status = 'active' AND deleted_at IS NULL);

COMMENT ON CONSTRAINT excl_placements_active_overlap ON placements IS
    'No overlapping active, undeleted placements of one product in one video (half-open ranges).';

-- +down
-- Back to the state after phase 2: start_time again, filled from time_start, with its objects,
-- and the trigger that keeps the two in step. Added back, start_time comes last among the
-- columns (PostgreSQL cannot insert a column at its old place); queries name their columns.
-- The copy rewrites every row in this one transaction: a rollback, not a deploy step.
SET LOCAL lock_timeout = '5s';
ALTER TABLE placements ADD COLUMN start_time DECIMAL(10, 3);
SET LOCAL nedlia.derived_write = 'on';
UPDATE placements SET start_time = time_start;
ALTER TABLE placements ALTER COLUMN start_time SET NOT NULL;

ALTER TABLE placements DROP CONSTRAINT excl_placements_active_overlap;
ALTER INDEX idx_placements_time RENAME TO idx_placements_time_new;
ALTER TABLE placements RENAME CONSTRAINT chk_time_range TO chk_time_range_new;

ALTER TABLE placements ADD CONSTRAINT chk_time_range CHECK (end_time > start_time AND start_time >= 0);
CREATE INDEX idx_placements_time ON placements(video_id, start_time, end_time) WHERE deleted_at IS NULL;
ALTER TABLE placements ADD CONSTRAINT excl_placements_active_overlap EXCLUDE USING gist (
    video_id WITH =,
    product_id WITH =,
    numrange(start_time, end_time, '[)') WITH &&
) WHERE (status = 'active' AND deleted_at IS NULL);
COMMENT ON CONSTRAINT excl_placements_active_overlap ON placements IS
    'No overlapping active, undeleted placements of one product in one video (half-open ranges).';

CREATE OR REPLACE VIEW placement_details_definition AS
SELECT
    p.id,
    p.video_id,
    v.title AS video_title,
    p.product_id,
    pr.name AS product_name,
    pr.category AS product_category,
    a.name AS advertiser_name,
    p.start_time,
    p.end_time,
    p.description,
    p.status,
    p.file_url,
    p.created_at,
    a.id AS advertiser_id
FROM placements p
JOIN videos v ON p.video_id = v.id
JOIN products pr ON p.product_id = pr.id
JOIN advertisers a ON pr.advertiser_id = a.id
WHERE p.deleted_at IS NULL AND v.deleted_at IS NULL AND pr.deleted_at IS NULL
  AND a.deleted_at IS NULL;

-- As in phase 1.
CREATE FUNCTION nedlia_sync_placement_time_start() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.time_start IS NULL THEN
            NEW.time_start := NEW.start_time;
        ELSE
            NEW.start_time := NEW.time_start;
        END IF;
    ELSIF NEW.time_start IS DISTINCT FROM OLD.time_start THEN
        NEW.start_time := NEW.time_start;
    ELSIF NEW.start_time IS DISTINCT FROM OLD.start_time OR NEW.time_start IS NULL THEN
        NEW.time_start := NEW.start_time;
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION nedlia_sync_placement_time_start() IS
    'BEFORE INSERT OR UPDATE on placements while start_time is renamed to time_start: keeps the two equal.';

CREATE TRIGGER trg_placements_sync_time_start BEFORE INSERT OR UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION nedlia_sync_placement_time_start();
