-- nedlia migration
-- revision: 0a897d19dd28
-- down_revision: none
-- message: initial schema
-- created: 2026-11-25T12:00:00Z

-- +up
-- The specification's tables (seed/data-architecture.md), column for column, with its CHECK
-- names and index names, plus what its own principles need: created_by / deleted_at / version /
-- updated_at where a table lacked them, a few data-sanity CHECKs, the placement overlap rule as
-- an exclusion constraint, a partitioned event_log (the transactional outbox) and an
-- incrementally maintained placement_details table (see DESIGN.md "Corrections to the seed").
-- Additions to a spec table come after the spec's own columns.

-- uuid equality inside a GiST exclusion constraint (excl_placements_active_overlap).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- ---------------------------------------------------------------------------------------------
-- Row bookkeeping kept by the database
-- ---------------------------------------------------------------------------------------------

-- For tables with version and updated_at. The database owns both columns: whatever a statement
-- wrote into them is replaced, so the comparison sees only the row's real content. A real change
-- bumps version by exactly one (the optimistic-locking ETag) and sets updated_at; a no-op UPDATE
-- changes neither, yet still counts as an updated row for "WHERE version = $n" checks.
CREATE FUNCTION nedlia_touch_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- For tables with updated_at but no version.
CREATE FUNCTION nedlia_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

COMMENT ON FUNCTION nedlia_touch_row() IS
    'BEFORE UPDATE: bumps version by one and sets updated_at on a real change, never on a no-op.';
COMMENT ON FUNCTION nedlia_touch_updated_at() IS
    'BEFORE UPDATE: sets updated_at on a real change, never on a no-op.';

-- ---------------------------------------------------------------------------------------------
-- Core tables
-- ---------------------------------------------------------------------------------------------

CREATE TABLE advertisers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    contact_email VARCHAR(255) NOT NULL,
    billing_info JSONB,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    created_by UUID,
    version INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT chk_status CHECK (status IN ('active', 'suspended')),
    CONSTRAINT chk_contact_email CHECK (contact_email ~ '^[^@[:space:]]+@[^@[:space:]]+$')
);

CREATE INDEX idx_advertisers_status ON advertisers(status) WHERE deleted_at IS NULL;

CREATE TRIGGER trg_advertisers_touch BEFORE UPDATE ON advertisers
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

CREATE TABLE campaigns (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    advertiser_id UUID NOT NULL REFERENCES advertisers(id),
    name VARCHAR(255) NOT NULL,
    budget DECIMAL(12, 2) NOT NULL,
    spent DECIMAL(12, 2) NOT NULL DEFAULT 0,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    status VARCHAR(50) NOT NULL DEFAULT 'draft',
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    version INTEGER NOT NULL DEFAULT 1,
    created_by UUID,

    -- chk_budget (the spec's) already says spent <= budget; chk_amounts adds the lower bounds.
    CONSTRAINT chk_budget CHECK (spent <= budget),
    CONSTRAINT chk_dates CHECK (end_date > start_date),
    CONSTRAINT chk_status CHECK (status IN ('draft', 'active', 'paused', 'completed')),
    CONSTRAINT chk_amounts CHECK (budget >= 0 AND spent >= 0),
    CONSTRAINT chk_currency CHECK (currency ~ '^[A-Z]{3}$')
);

CREATE INDEX idx_campaigns_advertiser ON campaigns(advertiser_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_campaigns_status ON campaigns(status) WHERE deleted_at IS NULL;

CREATE TRIGGER trg_campaigns_touch BEFORE UPDATE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

CREATE TABLE products (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    advertiser_id UUID NOT NULL REFERENCES advertisers(id),
    name VARCHAR(255) NOT NULL,
    description TEXT,
    category VARCHAR(100),
    assets JSONB DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    created_by UUID,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX idx_products_advertiser ON products(advertiser_id) WHERE deleted_at IS NULL;

CREATE TRIGGER trg_products_touch BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

CREATE TABLE videos (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    title VARCHAR(255) NOT NULL,
    duration DECIMAL(10, 3) NOT NULL,
    source_url TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'processing',
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    created_by UUID,
    version INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT chk_duration CHECK (duration > 0),
    CONSTRAINT chk_status CHECK (status IN ('processing', 'ready', 'archived'))
);

CREATE INDEX idx_videos_status ON videos(status) WHERE deleted_at IS NULL;

CREATE TRIGGER trg_videos_touch BEFORE UPDATE ON videos
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

CREATE TABLE placements (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    video_id UUID NOT NULL REFERENCES videos(id),
    product_id UUID NOT NULL REFERENCES products(id),
    start_time DECIMAL(10, 3) NOT NULL,
    end_time DECIMAL(10, 3) NOT NULL,
    description TEXT,
    position JSONB,
    status VARCHAR(50) NOT NULL DEFAULT 'active',
    file_url TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_by UUID,
    deleted_at TIMESTAMPTZ,
    version INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT chk_time_range CHECK (end_time > start_time AND start_time >= 0),
    CONSTRAINT chk_status CHECK (status IN ('draft', 'active', 'archived')),
    CONSTRAINT chk_position CHECK (position IS NULL OR jsonb_typeof(position) = 'object'),
    -- The domain rule "no two active placements of one product overlap in one video", held by
    -- the database so that it survives concurrent writers. Ranges are half-open: [0,10) and
    -- [10,20) touch but do not overlap. Drafts, archived and soft-deleted rows do not count.
    CONSTRAINT excl_placements_active_overlap EXCLUDE USING gist (
        video_id WITH =,
        product_id WITH =,
        numrange(start_time, end_time, '[)') WITH &&
    ) WHERE (status = 'active' AND deleted_at IS NULL)
);

CREATE INDEX idx_placements_video ON placements(video_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_placements_product ON placements(product_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_placements_time ON placements(video_id, start_time, end_time) WHERE deleted_at IS NULL;

CREATE TRIGGER trg_placements_touch BEFORE UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

COMMENT ON CONSTRAINT excl_placements_active_overlap ON placements IS
    'No overlapping active, undeleted placements of one product in one video (half-open ranges).';

CREATE TABLE validation_runs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    video_id UUID NOT NULL REFERENCES videos(id),
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    issues JSONB DEFAULT '[]',
    summary JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    requested_by UUID,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ,
    created_by UUID,

    CONSTRAINT chk_status CHECK (status IN ('pending', 'running', 'completed', 'failed')),
    -- Passes while either time is unknown (NULL); a run cannot end before it started.
    CONSTRAINT chk_completed_after_started CHECK (completed_at >= started_at)
);

CREATE INDEX idx_validation_runs_video ON validation_runs(video_id);
CREATE INDEX idx_validation_runs_status ON validation_runs(status);

CREATE TRIGGER trg_validation_runs_touch BEFORE UPDATE ON validation_runs
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_updated_at();

-- Which products a campaign promotes: the ERD implies the relation, the spec has no column
-- for it. Rows are inserted and deleted, never updated; they go with either end.
CREATE TABLE campaign_products (
    campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    product_id UUID NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (campaign_id, product_id)
);

CREATE INDEX idx_campaign_products_product ON campaign_products(product_id);

COMMENT ON TABLE campaign_products IS
    'Which products a campaign promotes (absent from the spec, implied by its model).';

-- ---------------------------------------------------------------------------------------------
-- Event log: the audit trail and the transactional outbox
-- ---------------------------------------------------------------------------------------------

CREATE SEQUENCE event_log_position_seq;

-- Correction: the spec creates a plain table and then a partition of it, which PostgreSQL
-- rejects. It is partitioned by month on created_at, so the partition key joins the primary key.
CREATE TABLE event_log (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    event_type VARCHAR(100) NOT NULL,
    aggregate_type VARCHAR(100) NOT NULL,
    aggregate_id UUID NOT NULL,
    data JSONB NOT NULL,
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_by UUID,
    position BIGINT NOT NULL DEFAULT nextval('event_log_position_seq'),
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),

    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE INDEX idx_event_log_aggregate ON event_log(aggregate_type, aggregate_id);
CREATE INDEX idx_event_log_type ON event_log(event_type);
CREATE INDEX idx_event_log_created ON event_log(created_at);
CREATE INDEX idx_event_log_position ON event_log(position);

-- Catches rows for a month without a partition, so an insert never fails for that reason;
-- nedlia_ensure_event_log_partitions_for moves them out when their month is created.
CREATE TABLE event_log_default PARTITION OF event_log DEFAULT;

COMMENT ON TABLE event_log IS
    'Append-only audit trail and transactional outbox: each state change and its CloudEvent '
    'commit together. Partitioned by month of created_at (UTC bounds, event_log_YYYY_MM, made '
    'ahead by nedlia_ensure_event_log_partitions) so retention drops whole months; the partition '
    'key is part of the primary key, as PostgreSQL requires.';
COMMENT ON COLUMN event_log.position IS
    'Insertion order from event_log_position_seq. Positions are taken before commit, so they can '
    'commit out of order: read together with transaction_id.';
COMMENT ON COLUMN event_log.transaction_id IS
    'The writing transaction (pg_current_xact_id). A reader treats positions as final only below '
    'pg_snapshot_xmin(pg_current_snapshot()), so it never skips an event committed late.';
COMMENT ON TABLE event_log_default IS
    'Rows whose month has no partition yet; emptied by nedlia_ensure_event_log_partitions_for.';

-- Creates the monthly partitions event_log_YYYY_MM for from_month and the months-1 months after
-- it that do not exist yet, and returns how many it created. Rows of such a month already sitting
-- in the default partition are moved into the new partition (PostgreSQL refuses to create a
-- partition whose rows are in the default one), keeping their position and transaction_id.
-- Concurrent callers serialise on one advisory lock, so a month is created once.
CREATE FUNCTION nedlia_ensure_event_log_partitions_for(from_month date, months int)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    first_month constant date := date_trunc('month', from_month)::date;
    month_start date;
    partition_name text;
    lower_bound text;
    upper_bound text;
    created int := 0;
BEGIN
    IF from_month IS NULL OR months IS NULL OR months < 0 THEN
        RAISE EXCEPTION 'nedlia_ensure_event_log_partitions_for(%, %): bad arguments',
            from_month, months;
    END IF;
    -- "nedlia" in ASCII, then 2 (the migrator uses ...01).
    PERFORM pg_advisory_xact_lock(x'6E65646C69610002'::bigint);
    FOR offset_months IN 0 .. months - 1 LOOP
        month_start := (first_month + make_interval(months => offset_months))::date;
        partition_name := 'event_log_' || to_char(month_start, 'YYYY_MM');
        CONTINUE WHEN EXISTS (
            SELECT FROM pg_inherits JOIN pg_class ON pg_class.oid = pg_inherits.inhrelid
            WHERE pg_inherits.inhparent = 'event_log'::regclass
              AND pg_class.relname = partition_name);

        -- Month bounds at midnight UTC, whatever the session's TimeZone.
        lower_bound := to_char(month_start, 'YYYY-MM-DD') || ' 00:00:00+00';
        upper_bound := to_char(month_start + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';

        -- Parent first, then the default partition: the order writers lock them in. Creating a
        -- partition needs both exclusively anyway; taking them now keeps new rows for this month
        -- out of the default partition until the new partition exists.
        LOCK TABLE ONLY event_log IN ACCESS EXCLUSIVE MODE;
        LOCK TABLE event_log_default IN ACCESS EXCLUSIVE MODE;

        IF EXISTS (SELECT FROM event_log_default
                   WHERE created_at >= lower_bound::timestamptz
                     AND created_at < upper_bound::timestamptz) THEN
            IF to_regclass('pg_temp.nedlia_event_log_moving') IS NULL THEN
                EXECUTE 'CREATE TEMP TABLE nedlia_event_log_moving (LIKE event_log) ON COMMIT DROP';
            END IF;
            EXECUTE 'TRUNCATE nedlia_event_log_moving';
            EXECUTE 'WITH moved AS (DELETE FROM event_log_default '
                    'WHERE created_at >= $1 AND created_at < $2 RETURNING *) '
                    'INSERT INTO nedlia_event_log_moving SELECT * FROM moved'
                USING lower_bound::timestamptz, upper_bound::timestamptz;
            EXECUTE format('CREATE TABLE %I PARTITION OF event_log FOR VALUES FROM (%L) TO (%L)',
                           partition_name, lower_bound, upper_bound);
            EXECUTE 'INSERT INTO event_log SELECT * FROM nedlia_event_log_moving';
            EXECUTE 'TRUNCATE nedlia_event_log_moving';
        ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF event_log FOR VALUES FROM (%L) TO (%L)',
                           partition_name, lower_bound, upper_bound);
        END IF;
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;

-- The current UTC month and the months_ahead months after it.
CREATE FUNCTION nedlia_ensure_event_log_partitions(months_ahead int DEFAULT 3)
RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
    RETURN nedlia_ensure_event_log_partitions_for(
        date_trunc('month', now() AT TIME ZONE 'UTC')::date, months_ahead + 1);
END
$$;

COMMENT ON FUNCTION nedlia_ensure_event_log_partitions_for(date, int) IS
    'Creates the missing monthly event_log partitions from from_month for months months, moving '
    'their rows out of event_log_default; returns how many it created.';
COMMENT ON FUNCTION nedlia_ensure_event_log_partitions(int) IS
    'Creates the missing event_log partitions for the current UTC month and months_ahead more; '
    'run it periodically (at least monthly).';

SELECT nedlia_ensure_event_log_partitions(3);

-- ---------------------------------------------------------------------------------------------
-- Read model
-- ---------------------------------------------------------------------------------------------

-- Correction: the spec's materialized view, refreshed CONCURRENTLY on every event, recomputes
-- the whole join each time. Readers keep its name and columns (in its order); the projector
-- maintains rows one event at a time (and can rebuild and verify them against the join).
-- advertiser_id serves advertiser-scoped reads; updated_at says when a row was last projected.
-- Deleted placements have no row. No foreign keys: it is a derived, eventually consistent copy.
CREATE TABLE placement_details (
    id UUID NOT NULL,
    video_id UUID NOT NULL,
    video_title VARCHAR(255) NOT NULL,
    product_id UUID NOT NULL,
    product_name VARCHAR(255) NOT NULL,
    product_category VARCHAR(100),
    advertiser_name VARCHAR(255) NOT NULL,
    start_time DECIMAL(10, 3) NOT NULL,
    end_time DECIMAL(10, 3) NOT NULL,
    description TEXT,
    status VARCHAR(50) NOT NULL,
    file_url TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    advertiser_id UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE UNIQUE INDEX idx_placement_details_id ON placement_details(id);
CREATE INDEX idx_placement_details_video ON placement_details(video_id);
CREATE INDEX idx_placement_details_product ON placement_details(product_id);
CREATE INDEX idx_placement_details_advertiser ON placement_details(advertiser_id);

CREATE TRIGGER trg_placement_details_touch BEFORE UPDATE ON placement_details
    FOR EACH ROW EXECUTE FUNCTION nedlia_touch_updated_at();

COMMENT ON TABLE placement_details IS
    'Read model: the spec''s placement_details materialized view as a table maintained '
    'incrementally per event (a full REFRESH per event costs the whole join). Same name and '
    'columns in the same order, plus advertiser_id and updated_at; no row for deleted placements.';

-- +down
DROP TABLE placement_details;
DROP FUNCTION nedlia_ensure_event_log_partitions(int);
DROP FUNCTION nedlia_ensure_event_log_partitions_for(date, int);
DROP TABLE event_log;  -- with all its partitions
DROP SEQUENCE event_log_position_seq;
DROP TABLE campaign_products;
DROP TABLE validation_runs;
DROP TABLE placements;
DROP TABLE videos;
DROP TABLE products;
DROP TABLE campaigns;
DROP TABLE advertisers;
DROP FUNCTION nedlia_touch_updated_at();
DROP FUNCTION nedlia_touch_row();
DROP EXTENSION IF EXISTS btree_gist;
