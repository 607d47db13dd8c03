-- nedlia migration
-- revision: f57ef09ab63a
-- down_revision: c93e5a17b2f4
-- message: archives: the journal records each archive's schema revision
-- created: 2026-12-06T10:31:07Z

-- +up
-- Restore compares an archive's manifest, read from the object store, with its journal row
-- (src/archive/archive_restore.cpp): the schema revision the rows were read at is one of the
-- things compared, so the journal must hold it too. Nullable: archives completed before this
-- revision have none, and are compared on everything else.
SET LOCAL lock_timeout = '5s';
ALTER TABLE archives ADD COLUMN schema_revision text;

-- +down
SET LOCAL lock_timeout = '5s';
ALTER TABLE archives DROP COLUMN schema_revision;
