-- nedlia migration
-- revision: 5ad5cfbb1b22
-- down_revision: 3ec141e9601d
-- message: migrate data: time_start copied from start_time in batches, then made NOT NULL
-- created: 2026-12-04T09:05:00Z
-- transactional: false

-- +up
-- Renaming placements.start_time to time_start, phase 2 of 3 (migrate the data; see README.md
-- beside this file). Run right after the expand and before the version of the application that
-- reads time_start is deployed: until then that version would read NULL on the older rows.
-- Outside a transaction: each statement below commits on its own and the copy commits after
-- every batch, so no transaction holds many row locks or runs for long, and a run stopped midway
-- keeps what it copied. Run again, it copies only what is still missing and repeats the rest
-- (each statement can run twice).

-- Walks the primary key in batches of 1000 rows that still lack time_start. Rows written
-- meanwhile need nothing: the trigger of phase 1 fills time_start as they are written.
-- The copy is a derived write (nedlia.derived_write, see nedlia_touch_placement): no placement
-- changes, so version and updated_at stay (clients' If-Match go on matching).
DO $$
DECLARE
    batch_size CONSTANT integer := 1000;
    last_id uuid;  -- the end of the previous batch; NULL before the first
    batch_end uuid;
BEGIN
    LOOP
        SELECT id INTO batch_end
        FROM (SELECT id FROM placements
              WHERE time_start IS NULL AND (last_id IS NULL OR id > last_id)
              ORDER BY id
              LIMIT batch_size) AS batch
        ORDER BY id DESC
        LIMIT 1;
        EXIT WHEN batch_end IS NULL;
        PERFORM set_config('nedlia.derived_write', 'on', true);
        UPDATE placements SET time_start = start_time
        WHERE time_start IS NULL AND (last_id IS NULL OR id > last_id) AND id <= batch_end;
        last_id := batch_end;
        COMMIT;
    END LOOP;
END
$$;

-- A session setting, not SET LOCAL: outside a transaction, SET LOCAL would last one statement.
SET lock_timeout = '5s';

-- NOT NULL without a scan under the ACCESS EXCLUSIVE lock: the CHECK is added NOT VALID (no
-- scan), validated while writes go on, and SET NOT NULL then relies on it instead of scanning.
-- It is dropped first so that a second run can add it again.
ALTER TABLE placements DROP CONSTRAINT IF EXISTS chk_placements_time_start_not_null;
ALTER TABLE placements ADD CONSTRAINT chk_placements_time_start_not_null
    CHECK (time_start IS NOT NULL) NOT VALID;
ALTER TABLE placements VALIDATE CONSTRAINT chk_placements_time_start_not_null;
ALTER TABLE placements ALTER COLUMN time_start SET NOT NULL;
ALTER TABLE placements DROP CONSTRAINT chk_placements_time_start_not_null;

-- What the contract needs on time_start and can be built now without blocking writes: the CHECK
-- (validated the same way) and the index (concurrently). The contract renames them to the names
-- of the objects on start_time they replace. The exclusion constraint cannot be built either way:
-- the contract builds it.
ALTER TABLE placements DROP CONSTRAINT IF EXISTS chk_time_range_new;
ALTER TABLE placements ADD CONSTRAINT chk_time_range_new
    CHECK (end_time > time_start AND time_start >= 0) NOT VALID;
ALTER TABLE placements VALIDATE CONSTRAINT chk_time_range_new;

-- CREATE INDEX CONCURRENTLY waits for every transaction that began before it, however long; its
-- lock lets reads and writes through, so the wait blocks nobody, and it must not time out.
RESET lock_timeout;
DROP INDEX CONCURRENTLY IF EXISTS idx_placements_time_new;
CREATE INDEX CONCURRENTLY idx_placements_time_new
    ON placements(video_id, time_start, end_time) WHERE deleted_at IS NULL;

-- +down
-- The copied values stay: they are the same as start_time's, and phase 1's down drops the column.
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_placements_time_new;
ALTER TABLE placements DROP CONSTRAINT IF EXISTS chk_time_range_new;
ALTER TABLE placements DROP CONSTRAINT IF EXISTS chk_placements_time_start_not_null;
ALTER TABLE placements ALTER COLUMN time_start DROP NOT NULL;
RESET lock_timeout;
