-- nedlia migration
-- revision: 4915e4936598
-- down_revision: 6e1b36014867
-- message: webhook deliveries: indexes for claiming fairly, one in flight per webhook
-- created: 2026-12-06T11:10:28Z
-- transactional: false

-- +up
-- The senders' claim counts the deliveries in flight (leased) per webhook and per advertiser,
-- and looks for one advertiser's due deliveries; a lease is cleared when its attempt is
-- recorded, so the first index holds only the deliveries in flight (and crashed claims).
-- Built CONCURRENTLY (so outside a transaction), leaving the table writable meanwhile. A build
-- that fails leaves an invalid index behind: each is dropped first, so a rerun starts clean.
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_webhook_deliveries_leased;
CREATE INDEX CONCURRENTLY idx_webhook_deliveries_leased ON webhook_deliveries USING btree (webhook_id)
    WHERE (lease_until IS NOT NULL);
DROP INDEX CONCURRENTLY IF EXISTS idx_webhook_deliveries_pending;
CREATE INDEX CONCURRENTLY idx_webhook_deliveries_pending ON webhook_deliveries
    USING btree (webhook_id, next_attempt_at) WHERE ((status)::text = 'pending'::text);
RESET lock_timeout;

-- +down
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY IF EXISTS idx_webhook_deliveries_pending;
DROP INDEX CONCURRENTLY IF EXISTS idx_webhook_deliveries_leased;
RESET lock_timeout;
