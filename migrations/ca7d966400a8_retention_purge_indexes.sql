-- nedlia migration
-- revision: ca7d966400a8
-- down_revision: d6f1a8c24e07
-- message: retention finds finished webhook deliveries and old dead letters by index
-- created: 2026-12-06T10:07:13Z
-- transactional: false

-- +up
-- Built CONCURRENTLY (so outside a transaction), leaving the tables writable meanwhile. A build
-- that fails leaves an invalid index behind: each is dropped first, so a rerun starts clean.
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_webhook_deliveries_finished;
CREATE INDEX CONCURRENTLY idx_webhook_deliveries_finished ON webhook_deliveries
    USING btree (updated_at) WHERE ((status)::text <> 'pending'::text);
DROP INDEX CONCURRENTLY IF EXISTS idx_event_dead_letters_failed_at;
CREATE INDEX CONCURRENTLY idx_event_dead_letters_failed_at ON event_dead_letters
    USING btree (failed_at);
RESET lock_timeout;

-- +down
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_event_dead_letters_failed_at;
DROP INDEX CONCURRENTLY IF EXISTS idx_webhook_deliveries_finished;
RESET lock_timeout;
