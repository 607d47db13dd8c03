-- nedlia migration
-- revision: 3ec141e9601d
-- down_revision: 3016a12f396b
-- message: expand: placements.time_start beside start_time, the two kept in step by a trigger
-- created: 2026-12-04T09:00:00Z

-- +up
-- Renaming placements.start_time to time_start, phase 1 of 3 (expand; see README.md beside this
-- file). The application that runs while this migration runs, and for as long as any of its
-- instances are left, reads and writes start_time only; the next version reads and writes
-- time_start only. Both columns must therefore hold the same value on every row from now on.
SET LOCAL lock_timeout = '5s';

-- Nullable and with no default: a change of the catalog alone (no rewrite, no scan). The rows
-- written before this migration get their value from the backfill (phase 2).
ALTER TABLE placements ADD COLUMN time_start DECIMAL(10, 3);

-- Whichever column a statement changed wins, so that each version of the application sees the
-- other's writes. An INSERT fills the column its writer left out. A writer that sets both to
-- different values gets time_start (the column that stays). An UPDATE that changes neither fills
-- time_start on a row the backfill has not reached yet.
-- BEFORE triggers run in name order: this one runs before trg_placements_touch, which then sees
-- the copied value and bumps version once, as for any change.
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

-- +down
SET LOCAL lock_timeout = '5s';
DROP TRIGGER trg_placements_sync_time_start ON placements;
DROP FUNCTION nedlia_sync_placement_time_start();
ALTER TABLE placements DROP COLUMN time_start;
