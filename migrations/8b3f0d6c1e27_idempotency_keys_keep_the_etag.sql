-- nedlia migration
-- revision: 8b3f0d6c1e27
-- down_revision: 4915e4936598
-- message: idempotency_keys: the ETag of the first answer, replayed with it
-- created: 2026-12-06T13:20:00Z

-- +up
-- A client whose first answer to a create was lost (a process killed, a connection reset)
-- retries with its key and gets the stored answer: without the ETag it could not send the
-- If-Match that every change of what it created needs. A nullable column: no rewrite.
SET LOCAL lock_timeout = '5s';
ALTER TABLE idempotency_keys ADD COLUMN etag text;

-- +down
SET LOCAL lock_timeout = '5s';
ALTER TABLE idempotency_keys DROP COLUMN etag;
