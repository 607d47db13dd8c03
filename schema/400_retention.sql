-- Retention's purges (src/retention) find what is past its time by index and delete it in
-- batches, without reading whole tables: finished webhook deliveries by when they finished,
-- dead letters by their last failure.
CREATE INDEX idx_webhook_deliveries_finished ON webhook_deliveries USING btree (updated_at)
    WHERE ((status)::text <> 'pending'::text);
CREATE INDEX idx_event_dead_letters_failed_at ON event_dead_letters USING btree (failed_at);
