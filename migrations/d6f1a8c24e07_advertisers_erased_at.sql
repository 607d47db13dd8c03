-- nedlia migration
-- revision: d6f1a8c24e07
-- down_revision: f57ef09ab63a
-- message: advertisers: when their personal data was erased
-- created: 2026-12-06T11:05:00Z

-- +up
-- Set by `nedlia advertisers erase` (and the erasure of long-deleted advertisers): the contact
-- email and billing details were replaced then, and its webhooks' URLs and secrets.
SET LOCAL lock_timeout = '5s';
ALTER TABLE advertisers ADD COLUMN erased_at timestamp with time zone;

-- +down
SET LOCAL lock_timeout = '5s';
ALTER TABLE advertisers DROP COLUMN erased_at;
