-- nedlia migration
-- revision: 6188cbd2c69d
-- down_revision: dff56ebdea19
-- message: retention finds deleted placements and old validation runs by index
-- created: 2026-12-02T02:00:00Z
-- transactional: false

-- +up
-- Built CONCURRENTLY (so outside a transaction), leaving the tables writable meanwhile. A build
-- that fails leaves an invalid index behind: each is dropped first, so a rerun starts clean.
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_placements_deleted_at;
CREATE INDEX CONCURRENTLY idx_placements_deleted_at ON placements USING btree (deleted_at)
    WHERE (deleted_at IS NOT NULL);
DROP INDEX CONCURRENTLY IF EXISTS idx_validation_runs_created_at;
CREATE INDEX CONCURRENTLY idx_validation_runs_created_at ON validation_runs USING btree (created_at);
RESET lock_timeout;

-- +down
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_validation_runs_created_at;
DROP INDEX CONCURRENTLY IF EXISTS idx_placements_deleted_at;
RESET lock_timeout;
