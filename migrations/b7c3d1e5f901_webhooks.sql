-- nedlia migration
-- revision: b7c3d1e5f901
-- down_revision: 0ee3fb659c10
-- message: webhooks and their delivery log
-- created: 2026-12-02T10:00:00Z

-- +up
-- An advertiser's HTTPS endpoints, each subscribed to chosen event types. The secret signs
-- deliveries (Standard Webhooks), so it is stored as given, not hashed: the notifier needs it.
-- consecutive_failures / failing_since track sustained failure, after which the notifier sets
-- status 'disabled' (and disabled_at) with a com.nedlia.webhook.disabled.v1 event.
CREATE TABLE webhooks (
    id UUID PRIMARY KEY,
    advertiser_id UUID NOT NULL REFERENCES advertisers(id),
    url TEXT NOT NULL,
    event_types TEXT[] NOT NULL,
    secret TEXT NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    disabled_at TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    created_by UUID,
    version INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT chk_webhooks_status CHECK (status IN ('active', 'disabled')),
    CONSTRAINT chk_webhooks_disabled_at CHECK ((status = 'disabled') = (disabled_at IS NOT NULL)),
    CONSTRAINT chk_webhooks_event_types CHECK (cardinality(event_types) > 0),
    CONSTRAINT chk_webhooks_secret CHECK (secret LIKE 'whsec\_%'),
    CONSTRAINT chk_webhooks_failures CHECK (consecutive_failures >= 0)
);

-- The recorder looks up an event's advertiser's active webhooks.
CREATE INDEX idx_webhooks_advertiser ON webhooks(advertiser_id) WHERE deleted_at IS NULL;

-- nedlia_touch_row for webhooks, blind to the delivery-health columns the notifier keeps up to
-- date: a delivery must not change the ETag a client's next PATCH is based on. A change of
-- what clients set (url, event types, status, deletion) bumps version as usual.
CREATE FUNCTION nedlia_touch_webhook() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
    IF (NEW.url, NEW.event_types, NEW.status, NEW.disabled_at, NEW.deleted_at, NEW.secret)
       IS DISTINCT FROM
       (OLD.url, OLD.event_types, OLD.status, OLD.disabled_at, OLD.deleted_at, OLD.secret) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER trg_webhooks_touch BEFORE UPDATE ON webhooks
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_webhook();

COMMENT ON TABLE webhooks IS
    'Webhook endpoints per advertiser (Standard Webhooks). secret (whsec_ + base64) is shown to '
    'the client once, at creation; disabled after sustained delivery failure.';

-- The delivery log: one row per (webhook, event), whatever number of times the notifier's
-- consumer handles the event, so the webhook-id sent (this row's id) is the same on every
-- attempt. payload is the CloudEvent's JSON text, fixed when the row is recorded, so every
-- attempt sends the same bytes. A sender claims a due row by setting lease_until; a crashed
-- sender's claim expires and another sends it again under the same id.
CREATE TABLE webhook_deliveries (
    id UUID PRIMARY KEY,
    webhook_id UUID NOT NULL REFERENCES webhooks(id),
    event_id UUID NOT NULL,
    event_type VARCHAR(100) NOT NULL,
    payload TEXT NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    response_status INTEGER,
    error TEXT,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    lease_until TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),

    CONSTRAINT uq_webhook_deliveries_event UNIQUE (webhook_id, event_id),
    CONSTRAINT chk_webhook_deliveries_status
        CHECK (status IN ('pending', 'succeeded', 'failed', 'abandoned')),
    CONSTRAINT chk_webhook_deliveries_attempts CHECK (attempts >= 0)
);

-- The senders' queue: only pending rows, in due order.
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(next_attempt_at)
    WHERE status = 'pending';
-- The delivery log of one webhook, newest first by id (UUIDv7).
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id);

CREATE TRIGGER trg_webhook_deliveries_touch BEFORE UPDATE ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_updated_at();

COMMENT ON TABLE webhook_deliveries IS
    'One row per event per webhook; its id is the webhook-id header, stable across retries. '
    'pending -> succeeded | failed (attempts exhausted) | abandoned (webhook disabled/deleted).';

-- +down
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP FUNCTION nedlia_touch_webhook();
DELETE FROM event_subscriptions WHERE consumer = 'notifier';
DELETE FROM processed_events WHERE consumer = 'notifier';
DELETE FROM event_dead_letters WHERE consumer = 'notifier';
