-- nedlia migration
-- revision: c93e5a17b2f4
-- down_revision: a41c7e93d2b6
-- message: personal data and webhook URLs out of the events already written
-- created: 2026-12-06T11:00:00Z

-- +up
-- Contact emails, billing details and webhook URLs (which often hold a token) no longer go into
-- events: advertiser.created, advertiser.updated, webhook.created, webhook.updated and
-- webhook.disabled have a v2 without them, and their v1 copies carry the catalog's redacted
-- values (events/*.v1.yaml, "sensitive"). The events written before keep their ids, positions
-- and everything else; their sensitive values are replaced by the same redacted values, in the
-- log and in the webhook deliveries that carry them. Irreversible by design.
SET LOCAL lock_timeout = '5s';

UPDATE event_log
SET data = jsonb_set(data, '{contact_email}', '"redacted@redacted.invalid"')
WHERE event_type = 'com.nedlia.advertiser.created.v1'
  AND data->>'contact_email' IS DISTINCT FROM 'redacted@redacted.invalid';

UPDATE event_log
SET data = jsonb_set(data, '{changes}',
                     data->'changes'
                     || CASE WHEN data->'changes' ? 'contact_email'
                             THEN '{"contact_email": "redacted@redacted.invalid"}'::jsonb
                             ELSE '{}'::jsonb END
                     || CASE WHEN data->'changes' ? 'billing_info'
                             THEN '{"billing_info": {"redacted": true}}'::jsonb
                             ELSE '{}'::jsonb END)
WHERE event_type = 'com.nedlia.advertiser.updated.v1'
  AND (data->'changes'->>'contact_email' IS DISTINCT FROM 'redacted@redacted.invalid'
           AND data->'changes' ? 'contact_email'
       OR data->'changes'->'billing_info' IS DISTINCT FROM '{"redacted": true}'::jsonb
           AND data->'changes' ? 'billing_info');

UPDATE event_log
SET data = jsonb_set(data, '{url}', '"https://redacted.invalid/"')
WHERE event_type IN ('com.nedlia.webhook.created.v1', 'com.nedlia.webhook.disabled.v1')
  AND data->>'url' IS DISTINCT FROM 'https://redacted.invalid/';

UPDATE event_log
SET data = jsonb_set(data, '{changes,url}', '"https://redacted.invalid/"')
WHERE event_type = 'com.nedlia.webhook.updated.v1'
  AND data->'changes' ? 'url'
  AND data->'changes'->>'url' IS DISTINCT FROM 'https://redacted.invalid/';

-- A delivery's payload is the event as it was sent (a CloudEvent, its data under "data"): the
-- same values, in the same places.
UPDATE webhook_deliveries d
SET payload = jsonb_set(d.payload::jsonb, '{data}', e.data)::text
FROM event_log e
WHERE e.id = d.event_id
  AND d.event_type IN ('com.nedlia.advertiser.created.v1', 'com.nedlia.advertiser.updated.v1',
                       'com.nedlia.webhook.created.v1', 'com.nedlia.webhook.updated.v1',
                       'com.nedlia.webhook.disabled.v1')
  AND d.payload::jsonb->'data' IS DISTINCT FROM e.data;

-- +down
-- Nothing to undo: the values removed are not kept anywhere.
SELECT 1;
