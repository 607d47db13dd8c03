-- The declared schema: what the database looks like at the head of migrations/, written as
-- plain SQL. It is the source of truth a developer edits; then
--   nedlia migrate revision --autogenerate -m "what changed"
-- writes the migration that brings the migrations' schema here, and `nedlia migrate check`
-- (run by the test suite) fails while the two disagree. Files run in name order in an empty
-- database. Tables' comments are documentation only: they are not compared.

-- extension btree_gist
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;

-- comment EXTENSION btree_gist
COMMENT ON EXTENSION btree_gist IS 'support for indexing common datatypes in GiST';

-- function nedlia_ensure_event_log_partitions(integer)
CREATE FUNCTION nedlia_ensure_event_log_partitions(months_ahead integer DEFAULT 3) RETURNS integer
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN nedlia_ensure_event_log_partitions_for(
        date_trunc('month', now() AT TIME ZONE 'UTC')::date, months_ahead + 1);
END
$$;

-- comment FUNCTION nedlia_ensure_event_log_partitions(months_ahead integer)
COMMENT ON FUNCTION nedlia_ensure_event_log_partitions(months_ahead integer) IS 'Creates the missing event_log partitions for the current UTC month and months_ahead more; run it periodically (at least monthly).';

-- function nedlia_ensure_event_log_partitions_for(date, integer)
CREATE FUNCTION nedlia_ensure_event_log_partitions_for(from_month date, months integer) RETURNS integer
    LANGUAGE plpgsql
    AS $_$
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
$_$;

-- comment FUNCTION nedlia_ensure_event_log_partitions_for(from_month date, months integer)
COMMENT ON FUNCTION nedlia_ensure_event_log_partitions_for(from_month date, months integer) IS 'Creates the missing monthly event_log partitions from from_month for months months, moving their rows out of event_log_default; returns how many it created.';

-- function nedlia_touch_placement()
CREATE FUNCTION nedlia_touch_placement() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD
       AND coalesce(current_setting('nedlia.derived_write', true), '') <> 'on' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- comment FUNCTION nedlia_touch_placement()
COMMENT ON FUNCTION nedlia_touch_placement() IS 'BEFORE UPDATE on placements: nedlia_touch_row(), except for derived writes (nedlia.derived_write = on).';

-- function nedlia_touch_row()
CREATE FUNCTION nedlia_touch_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

-- comment FUNCTION nedlia_touch_row()
COMMENT ON FUNCTION nedlia_touch_row() IS 'BEFORE UPDATE: bumps version by one and sets updated_at on a real change, never on a no-op.';

-- function nedlia_touch_updated_at()
CREATE FUNCTION nedlia_touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- comment FUNCTION nedlia_touch_updated_at()
COMMENT ON FUNCTION nedlia_touch_updated_at() IS 'BEFORE UPDATE: sets updated_at on a real change, never on a no-op.';

-- function nedlia_touch_validation_run()
CREATE FUNCTION nedlia_touch_validation_run() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;
    IF NEW.issues::text IS DISTINCT FROM OLD.issues::text
       OR (NEW.id, NEW.video_id, NEW.status, NEW.started_at, NEW.completed_at, NEW.summary,
           NEW.created_at, NEW.requested_by, NEW.deleted_at, NEW.created_by)
          IS DISTINCT FROM
          (OLD.id, OLD.video_id, OLD.status, OLD.started_at, OLD.completed_at, OLD.summary,
           OLD.created_at, OLD.requested_by, OLD.deleted_at, OLD.created_by) THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- comment FUNCTION nedlia_touch_validation_run()
COMMENT ON FUNCTION nedlia_touch_validation_run() IS 'BEFORE UPDATE of validation_runs: sets updated_at on a real change, never on a no-op.';

-- function nedlia_touch_webhook()
CREATE FUNCTION nedlia_touch_webhook() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

SET default_tablespace = '';

SET default_table_access_method = heap;

-- table advertisers
CREATE TABLE advertisers (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name character varying(255) NOT NULL,
    contact_email character varying(255) NOT NULL,
    billing_info jsonb,
    status character varying(50) DEFAULT 'active'::character varying NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    created_by uuid,
    version integer DEFAULT 1 NOT NULL,
    erased_at timestamp with time zone,
    CONSTRAINT chk_contact_email CHECK (((contact_email)::text ~ '^[^@[:space:]]+@[^@[:space:]]+$'::text)),
    CONSTRAINT chk_status CHECK ((status IN ('active', 'suspended')))
);

-- table api_keys
CREATE TABLE api_keys (
    id uuid NOT NULL,
    name character varying(255) NOT NULL,
    role character varying(20) NOT NULL,
    advertiser_id uuid,
    secret_hash character(64) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT chk_role CHECK ((role IN ('admin', 'advertiser'))),
    CONSTRAINT chk_role_advertiser CHECK ((((role)::text = 'advertiser'::text) = (advertiser_id IS NOT NULL))),
    CONSTRAINT chk_secret_hash CHECK ((secret_hash ~ '^[0-9a-f]{64}$'::text))
);

-- comment TABLE api_keys
COMMENT ON TABLE api_keys IS 'Bearer API keys; secret_hash is the hex SHA-256 of the secret, which is never stored.';

-- table campaign_products
CREATE TABLE campaign_products (
    campaign_id uuid NOT NULL,
    product_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment TABLE campaign_products
COMMENT ON TABLE campaign_products IS 'Which products a campaign promotes (absent from the spec, implied by its model).';

-- table campaigns
CREATE TABLE campaigns (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    advertiser_id uuid NOT NULL,
    name character varying(255) NOT NULL,
    budget numeric(12,2) NOT NULL,
    spent numeric(12,2) DEFAULT 0 NOT NULL,
    currency character varying(3) DEFAULT 'USD'::character varying NOT NULL,
    status character varying(50) DEFAULT 'draft'::character varying NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    created_by uuid,
    CONSTRAINT chk_amounts CHECK (((budget >= (0)::numeric) AND (spent >= (0)::numeric))),
    CONSTRAINT chk_budget CHECK ((spent <= budget)),
    CONSTRAINT chk_currency CHECK (((currency)::text ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT chk_dates CHECK ((end_date > start_date)),
    CONSTRAINT chk_status CHECK ((status IN ('draft', 'active', 'paused', 'completed')))
);

-- table event_dead_letters
CREATE TABLE event_dead_letters (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    consumer character varying(100) NOT NULL,
    event_id uuid NOT NULL,
    event_type character varying(100) NOT NULL,
    attempts integer NOT NULL,
    last_error text NOT NULL,
    failed_at timestamp with time zone DEFAULT now() NOT NULL,
    replay_requested_at timestamp with time zone
);

-- sequence event_log_position_seq
CREATE SEQUENCE event_log_position_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- table event_log
CREATE TABLE event_log (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    event_type character varying(100) NOT NULL,
    aggregate_type character varying(100) NOT NULL,
    aggregate_id uuid NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by uuid,
    "position" bigint DEFAULT nextval('event_log_position_seq'::regclass) NOT NULL,
    transaction_id xid8 DEFAULT pg_current_xact_id() NOT NULL,
    advertiser_id uuid
)
PARTITION BY RANGE (created_at);

-- comment TABLE event_log
COMMENT ON TABLE event_log IS 'Append-only audit trail and transactional outbox: each state change and its CloudEvent commit together. Partitioned by month of created_at (UTC bounds, event_log_YYYY_MM, made ahead by nedlia_ensure_event_log_partitions) so retention drops whole months; the partition key is part of the primary key, as PostgreSQL requires.';

-- comment COLUMN event_log."position"
COMMENT ON COLUMN event_log."position" IS 'Insertion order from event_log_position_seq. Positions are taken before commit, so they can commit out of order: read together with transaction_id.';

-- comment COLUMN event_log.transaction_id
COMMENT ON COLUMN event_log.transaction_id IS 'The writing transaction (pg_current_xact_id). A reader treats positions as final only below pg_snapshot_xmin(pg_current_snapshot()), so it never skips an event committed late.';

-- table event_log_default
CREATE TABLE event_log_default (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    event_type character varying(100) NOT NULL,
    aggregate_type character varying(100) NOT NULL,
    aggregate_id uuid NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by uuid,
    "position" bigint DEFAULT nextval('event_log_position_seq'::regclass) NOT NULL,
    transaction_id xid8 DEFAULT pg_current_xact_id() NOT NULL,
    advertiser_id uuid
);

-- comment TABLE event_log_default
COMMENT ON TABLE event_log_default IS 'Rows whose month has no partition yet; emptied by nedlia_ensure_event_log_partitions_for.';

-- table event_subscriptions
CREATE TABLE event_subscriptions (
    consumer character varying(100) NOT NULL,
    partition smallint NOT NULL,
    partitions smallint NOT NULL,
    last_transaction_id xid8 DEFAULT '0'::xid8 NOT NULL,
    last_position bigint DEFAULT 0 NOT NULL,
    retry_event_id uuid,
    retry_attempts integer DEFAULT 0 NOT NULL,
    retry_at timestamp with time zone,
    last_error text,
    handled_count bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT chk_partition CHECK (((partition >= 0) AND (partition < partitions))),
    CONSTRAINT chk_retry CHECK (((retry_event_id IS NULL) = (retry_at IS NULL)))
);

-- comment TABLE event_subscriptions
COMMENT ON TABLE event_subscriptions IS 'Durable position of each consumer in event_log, per partition of aggregates.';

-- table idempotency_keys
CREATE TABLE idempotency_keys (
    principal_id uuid NOT NULL,
    key character varying(255) NOT NULL,
    request_hash character(64) NOT NULL,
    status integer NOT NULL,
    body text NOT NULL,
    location text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    etag text
);

-- table placement_details
CREATE TABLE placement_details (
    id uuid NOT NULL,
    video_id uuid NOT NULL,
    video_title character varying(255) NOT NULL,
    product_id uuid NOT NULL,
    product_name character varying(255) NOT NULL,
    product_category character varying(100),
    advertiser_name character varying(255) NOT NULL,
    start_time numeric(10,3) NOT NULL,
    end_time numeric(10,3) NOT NULL,
    description text,
    status character varying(50) NOT NULL,
    file_url text,
    created_at timestamp with time zone NOT NULL,
    advertiser_id uuid NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

-- comment TABLE placement_details
COMMENT ON TABLE placement_details IS 'Read model: the spec''s placement_details materialized view as a table maintained incrementally per event (a full REFRESH per event costs the whole join). Same name and columns in the same order, plus advertiser_id and updated_at; no row for deleted placements.';

-- table placements
CREATE TABLE placements (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    video_id uuid NOT NULL,
    product_id uuid NOT NULL,
    start_time numeric(10,3) NOT NULL,
    end_time numeric(10,3) NOT NULL,
    description text,
    "position" jsonb,
    status character varying(50) DEFAULT 'active'::character varying NOT NULL,
    file_url text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by uuid,
    deleted_at timestamp with time zone,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT chk_position CHECK ((("position" IS NULL) OR (jsonb_typeof("position") = 'object'::text))),
    CONSTRAINT chk_status CHECK ((status IN ('draft', 'active', 'archived'))),
    CONSTRAINT chk_time_range CHECK (((end_time > start_time) AND (start_time >= (0)::numeric)))
);

-- table products
CREATE TABLE products (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    advertiser_id uuid NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    category character varying(100),
    assets jsonb DEFAULT '[]'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    created_by uuid,
    version integer DEFAULT 1 NOT NULL
);

-- table videos
CREATE TABLE videos (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    title character varying(255) NOT NULL,
    duration numeric(10,3) NOT NULL,
    source_url text,
    status character varying(50) DEFAULT 'processing'::character varying NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    created_by uuid,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT chk_duration CHECK ((duration > (0)::numeric)),
    CONSTRAINT chk_status CHECK ((status IN ('processing', 'ready', 'archived')))
);

-- view placement_details_definition
CREATE VIEW placement_details_definition AS
 SELECT p.id,
    p.video_id,
    v.title AS video_title,
    p.product_id,
    pr.name AS product_name,
    pr.category AS product_category,
    a.name AS advertiser_name,
    p.start_time,
    p.end_time,
    p.description,
    p.status,
    p.file_url,
    p.created_at,
    a.id AS advertiser_id
   FROM (((placements p
     JOIN videos v ON ((p.video_id = v.id)))
     JOIN products pr ON ((p.product_id = pr.id)))
     JOIN advertisers a ON ((pr.advertiser_id = a.id)))
  WHERE ((p.deleted_at IS NULL) AND (v.deleted_at IS NULL) AND (pr.deleted_at IS NULL) AND (a.deleted_at IS NULL));

-- sequence placement_file_generation
CREATE SEQUENCE placement_file_generation
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

-- table placement_file_jobs
CREATE TABLE placement_file_jobs (
    video_id uuid NOT NULL,
    generation bigint NOT NULL,
    marked_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    not_before timestamp with time zone DEFAULT now() NOT NULL,
    last_error text
);

-- comment TABLE placement_file_jobs
COMMENT ON TABLE placement_file_jobs IS 'Videos whose placement files are stale: marked by the file-generator consumer, cleared when regenerated.';

-- table processed_events
CREATE TABLE processed_events (
    consumer character varying(100) NOT NULL,
    event_id uuid NOT NULL,
    processed_at timestamp with time zone DEFAULT now() NOT NULL
);

-- table validation_runs
CREATE TABLE validation_runs (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    video_id uuid NOT NULL,
    status character varying(50) DEFAULT 'pending'::character varying NOT NULL,
    started_at timestamp with time zone,
    completed_at timestamp with time zone,
    issues json DEFAULT '[]'::json,
    summary jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    requested_by uuid,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    created_by uuid,
    CONSTRAINT chk_completed_after_started CHECK ((completed_at >= started_at)),
    CONSTRAINT chk_status CHECK ((status IN ('pending', 'running', 'completed', 'failed')))
);
ALTER TABLE ONLY validation_runs ALTER COLUMN issues SET COMPRESSION lz4;

-- table webhook_deliveries
CREATE TABLE webhook_deliveries (
    id uuid NOT NULL,
    webhook_id uuid NOT NULL,
    event_id uuid NOT NULL,
    event_type character varying(100) NOT NULL,
    payload text NOT NULL,
    status character varying(20) DEFAULT 'pending'::character varying NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    response_status integer,
    error text,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    lease_until timestamp with time zone,
    last_attempt_at timestamp with time zone,
    delivered_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT chk_webhook_deliveries_attempts CHECK ((attempts >= 0)),
    CONSTRAINT chk_webhook_deliveries_status CHECK ((status IN ('pending', 'succeeded', 'failed', 'abandoned')))
);

-- comment TABLE webhook_deliveries
COMMENT ON TABLE webhook_deliveries IS 'One row per event per webhook; its id is the webhook-id header, stable across retries. pending -> succeeded | failed (attempts exhausted) | abandoned (webhook disabled/deleted).';

-- table webhooks
CREATE TABLE webhooks (
    id uuid NOT NULL,
    advertiser_id uuid NOT NULL,
    url text NOT NULL,
    event_types text[] NOT NULL,
    secret text NOT NULL,
    status character varying(20) DEFAULT 'active'::character varying NOT NULL,
    disabled_at timestamp with time zone,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    failing_since timestamp with time zone,
    last_success_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    created_by uuid,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT chk_webhooks_disabled_at CHECK ((((status)::text = 'disabled'::text) = (disabled_at IS NOT NULL))),
    CONSTRAINT chk_webhooks_event_types CHECK ((cardinality(event_types) > 0)),
    CONSTRAINT chk_webhooks_failures CHECK ((consecutive_failures >= 0)),
    CONSTRAINT chk_webhooks_secret CHECK ((secret ~~ 'whsec\_%'::text)),
    CONSTRAINT chk_webhooks_status CHECK ((status IN ('active', 'disabled')))
);

-- comment TABLE webhooks
COMMENT ON TABLE webhooks IS 'Webhook endpoints per advertiser (Standard Webhooks). secret (whsec_ + base64) is shown to the client once, at creation; disabled after sustained delivery failure.';

-- table attach event_log_default
ALTER TABLE ONLY event_log ATTACH PARTITION event_log_default DEFAULT;

-- constraint advertisers advertisers_pkey
ALTER TABLE ONLY advertisers
    ADD CONSTRAINT advertisers_pkey PRIMARY KEY (id);

-- constraint api_keys api_keys_pkey
ALTER TABLE ONLY api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);

-- constraint campaign_products campaign_products_pkey
ALTER TABLE ONLY campaign_products
    ADD CONSTRAINT campaign_products_pkey PRIMARY KEY (campaign_id, product_id);

-- constraint campaigns campaigns_pkey
ALTER TABLE ONLY campaigns
    ADD CONSTRAINT campaigns_pkey PRIMARY KEY (id);

-- constraint event_dead_letters event_dead_letters_pkey
ALTER TABLE ONLY event_dead_letters
    ADD CONSTRAINT event_dead_letters_pkey PRIMARY KEY (id);

-- constraint event_log event_log_pkey
ALTER TABLE ONLY event_log
    ADD CONSTRAINT event_log_pkey PRIMARY KEY (id, created_at);

-- constraint event_log_default event_log_default_pkey
ALTER TABLE ONLY event_log_default
    ADD CONSTRAINT event_log_default_pkey PRIMARY KEY (id, created_at);

-- constraint event_subscriptions event_subscriptions_pkey
ALTER TABLE ONLY event_subscriptions
    ADD CONSTRAINT event_subscriptions_pkey PRIMARY KEY (consumer, partition);

-- constraint placements excl_placements_active_overlap
ALTER TABLE ONLY placements
    ADD CONSTRAINT excl_placements_active_overlap EXCLUDE USING gist (video_id WITH =, product_id WITH =, numrange(start_time, end_time, '[)'::text) WITH &&) WHERE ((((status)::text = 'active'::text) AND (deleted_at IS NULL)));

-- comment CONSTRAINT excl_placements_active_overlap ON placements
COMMENT ON CONSTRAINT excl_placements_active_overlap ON placements IS 'No overlapping active, undeleted placements of one product in one video (half-open ranges).';

-- constraint idempotency_keys idempotency_keys_pkey
ALTER TABLE ONLY idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (principal_id, key);

-- constraint placement_file_jobs placement_file_jobs_pkey
ALTER TABLE ONLY placement_file_jobs
    ADD CONSTRAINT placement_file_jobs_pkey PRIMARY KEY (video_id);

-- constraint placements placements_pkey
ALTER TABLE ONLY placements
    ADD CONSTRAINT placements_pkey PRIMARY KEY (id);

-- constraint processed_events processed_events_pkey
ALTER TABLE ONLY processed_events
    ADD CONSTRAINT processed_events_pkey PRIMARY KEY (consumer, event_id);

-- constraint products products_pkey
ALTER TABLE ONLY products
    ADD CONSTRAINT products_pkey PRIMARY KEY (id);

-- constraint event_dead_letters uq_dead_letter
ALTER TABLE ONLY event_dead_letters
    ADD CONSTRAINT uq_dead_letter UNIQUE (consumer, event_id);

-- constraint webhook_deliveries uq_webhook_deliveries_event
ALTER TABLE ONLY webhook_deliveries
    ADD CONSTRAINT uq_webhook_deliveries_event UNIQUE (webhook_id, event_id);

-- constraint validation_runs validation_runs_pkey
ALTER TABLE ONLY validation_runs
    ADD CONSTRAINT validation_runs_pkey PRIMARY KEY (id);

-- constraint videos videos_pkey
ALTER TABLE ONLY videos
    ADD CONSTRAINT videos_pkey PRIMARY KEY (id);

-- constraint webhook_deliveries webhook_deliveries_pkey
ALTER TABLE ONLY webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id);

-- constraint webhooks webhooks_pkey
ALTER TABLE ONLY webhooks
    ADD CONSTRAINT webhooks_pkey PRIMARY KEY (id);

-- index idx_event_log_advertiser
CREATE INDEX idx_event_log_advertiser ON ONLY event_log USING btree (advertiser_id, transaction_id, "position") WHERE (advertiser_id IS NOT NULL);

-- index idx_event_log_aggregate
CREATE INDEX idx_event_log_aggregate ON ONLY event_log USING btree (aggregate_type, aggregate_id);

-- index idx_event_log_created
CREATE INDEX idx_event_log_created ON ONLY event_log USING btree (created_at);

-- index idx_event_log_type
CREATE INDEX idx_event_log_type ON ONLY event_log USING btree (event_type);

-- index idx_event_log_position
CREATE INDEX idx_event_log_position ON ONLY event_log USING btree ("position");

-- index idx_event_log_delivery
CREATE INDEX idx_event_log_delivery ON ONLY event_log USING btree (transaction_id, "position");

-- index event_log_default_advertiser_id_transaction_id_position_idx
CREATE INDEX event_log_default_advertiser_id_transaction_id_position_idx ON event_log_default USING btree (advertiser_id, transaction_id, "position") WHERE (advertiser_id IS NOT NULL);

-- index event_log_default_aggregate_type_aggregate_id_idx
CREATE INDEX event_log_default_aggregate_type_aggregate_id_idx ON event_log_default USING btree (aggregate_type, aggregate_id);

-- index event_log_default_created_at_idx
CREATE INDEX event_log_default_created_at_idx ON event_log_default USING btree (created_at);

-- index event_log_default_event_type_idx
CREATE INDEX event_log_default_event_type_idx ON event_log_default USING btree (event_type);

-- index event_log_default_position_idx
CREATE INDEX event_log_default_position_idx ON event_log_default USING btree ("position");

-- index event_log_default_transaction_id_position_idx
CREATE INDEX event_log_default_transaction_id_position_idx ON event_log_default USING btree (transaction_id, "position");

-- index idx_advertisers_status
CREATE INDEX idx_advertisers_status ON advertisers USING btree (status) WHERE (deleted_at IS NULL);

-- index idx_api_keys_advertiser
CREATE INDEX idx_api_keys_advertiser ON api_keys USING btree (advertiser_id) WHERE (advertiser_id IS NOT NULL);

-- index idx_api_keys_secret_hash
CREATE UNIQUE INDEX idx_api_keys_secret_hash ON api_keys USING btree (secret_hash);

-- index idx_campaign_products_product
CREATE INDEX idx_campaign_products_product ON campaign_products USING btree (product_id);

-- index idx_campaigns_advertiser
CREATE INDEX idx_campaigns_advertiser ON campaigns USING btree (advertiser_id) WHERE (deleted_at IS NULL);

-- index idx_campaigns_status
CREATE INDEX idx_campaigns_status ON campaigns USING btree (status) WHERE (deleted_at IS NULL);

-- index idx_idempotency_keys_created
CREATE INDEX idx_idempotency_keys_created ON idempotency_keys USING btree (created_at);

-- index idx_placement_details_advertiser
CREATE INDEX idx_placement_details_advertiser ON placement_details USING btree (advertiser_id, id);

-- index idx_placement_details_category
CREATE INDEX idx_placement_details_category ON placement_details USING btree (product_category, id);

-- index idx_placement_details_id
CREATE UNIQUE INDEX idx_placement_details_id ON placement_details USING btree (id);

-- index idx_placement_details_product
CREATE INDEX idx_placement_details_product ON placement_details USING btree (product_id, id);

-- index idx_placement_details_video
CREATE INDEX idx_placement_details_video ON placement_details USING btree (video_id, id);

-- index idx_placement_file_jobs_due
CREATE INDEX idx_placement_file_jobs_due ON placement_file_jobs USING btree (not_before);

-- index idx_placements_product
CREATE INDEX idx_placements_product ON placements USING btree (product_id) WHERE (deleted_at IS NULL);

-- index idx_placements_time
CREATE INDEX idx_placements_time ON placements USING btree (video_id, start_time, end_time) WHERE (deleted_at IS NULL);

-- index idx_placements_video
CREATE INDEX idx_placements_video ON placements USING btree (video_id) WHERE (deleted_at IS NULL);

-- index idx_processed_events_processed_at
CREATE INDEX idx_processed_events_processed_at ON processed_events USING btree (processed_at);

-- index idx_products_advertiser
CREATE INDEX idx_products_advertiser ON products USING btree (advertiser_id) WHERE (deleted_at IS NULL);

-- index idx_validation_runs_status
CREATE INDEX idx_validation_runs_status ON validation_runs USING btree (status);

-- index idx_validation_runs_video
CREATE INDEX idx_validation_runs_video ON validation_runs USING btree (video_id);

-- index idx_videos_status
CREATE INDEX idx_videos_status ON videos USING btree (status) WHERE (deleted_at IS NULL);

-- index idx_webhook_deliveries_due
CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries USING btree (next_attempt_at) WHERE ((status)::text = 'pending'::text);

-- index idx_webhook_deliveries_leased
CREATE INDEX idx_webhook_deliveries_leased ON webhook_deliveries USING btree (webhook_id) WHERE (lease_until IS NOT NULL);

-- index idx_webhook_deliveries_pending
CREATE INDEX idx_webhook_deliveries_pending ON webhook_deliveries USING btree (webhook_id, next_attempt_at) WHERE ((status)::text = 'pending'::text);

-- index idx_webhook_deliveries_webhook
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries USING btree (webhook_id, id);

-- index idx_webhooks_advertiser
CREATE INDEX idx_webhooks_advertiser ON webhooks USING btree (advertiser_id) WHERE (deleted_at IS NULL);

-- index attach event_log_default_advertiser_id_transaction_id_position_idx
ALTER INDEX idx_event_log_advertiser ATTACH PARTITION event_log_default_advertiser_id_transaction_id_position_idx;

-- index attach event_log_default_aggregate_type_aggregate_id_idx
ALTER INDEX idx_event_log_aggregate ATTACH PARTITION event_log_default_aggregate_type_aggregate_id_idx;

-- index attach event_log_default_created_at_idx
ALTER INDEX idx_event_log_created ATTACH PARTITION event_log_default_created_at_idx;

-- index attach event_log_default_event_type_idx
ALTER INDEX idx_event_log_type ATTACH PARTITION event_log_default_event_type_idx;

-- index attach event_log_default_pkey
ALTER INDEX event_log_pkey ATTACH PARTITION event_log_default_pkey;

-- index attach event_log_default_position_idx
ALTER INDEX idx_event_log_position ATTACH PARTITION event_log_default_position_idx;

-- index attach event_log_default_transaction_id_position_idx
ALTER INDEX idx_event_log_delivery ATTACH PARTITION event_log_default_transaction_id_position_idx;

-- trigger advertisers trg_advertisers_touch
CREATE TRIGGER trg_advertisers_touch BEFORE UPDATE ON advertisers FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

-- trigger campaigns trg_campaigns_touch
CREATE TRIGGER trg_campaigns_touch BEFORE UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

-- trigger placement_details trg_placement_details_touch
CREATE TRIGGER trg_placement_details_touch BEFORE UPDATE ON placement_details FOR EACH ROW EXECUTE FUNCTION nedlia_touch_updated_at();

-- trigger placements trg_placements_touch
CREATE TRIGGER trg_placements_touch BEFORE UPDATE ON placements FOR EACH ROW EXECUTE FUNCTION nedlia_touch_placement();

-- trigger products trg_products_touch
CREATE TRIGGER trg_products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

-- trigger validation_runs trg_validation_runs_touch
CREATE TRIGGER trg_validation_runs_touch BEFORE UPDATE ON validation_runs FOR EACH ROW EXECUTE FUNCTION nedlia_touch_validation_run();

-- trigger videos trg_videos_touch
CREATE TRIGGER trg_videos_touch BEFORE UPDATE ON videos FOR EACH ROW EXECUTE FUNCTION nedlia_touch_row();

-- trigger webhook_deliveries trg_webhook_deliveries_touch
CREATE TRIGGER trg_webhook_deliveries_touch BEFORE UPDATE ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION nedlia_touch_updated_at();

-- trigger webhooks trg_webhooks_touch
CREATE TRIGGER trg_webhooks_touch BEFORE UPDATE ON webhooks FOR EACH ROW EXECUTE FUNCTION nedlia_touch_webhook();

-- fk constraint api_keys api_keys_advertiser_id_fkey
ALTER TABLE ONLY api_keys
    ADD CONSTRAINT api_keys_advertiser_id_fkey FOREIGN KEY (advertiser_id) REFERENCES advertisers(id);

-- fk constraint campaign_products campaign_products_campaign_id_fkey
ALTER TABLE ONLY campaign_products
    ADD CONSTRAINT campaign_products_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES campaigns(id) ON DELETE CASCADE;

-- fk constraint campaign_products campaign_products_product_id_fkey
ALTER TABLE ONLY campaign_products
    ADD CONSTRAINT campaign_products_product_id_fkey FOREIGN KEY (product_id) REFERENCES products(id) ON DELETE CASCADE;

-- fk constraint campaigns campaigns_advertiser_id_fkey
ALTER TABLE ONLY campaigns
    ADD CONSTRAINT campaigns_advertiser_id_fkey FOREIGN KEY (advertiser_id) REFERENCES advertisers(id);

-- fk constraint placement_file_jobs placement_file_jobs_video_id_fkey
ALTER TABLE ONLY placement_file_jobs
    ADD CONSTRAINT placement_file_jobs_video_id_fkey FOREIGN KEY (video_id) REFERENCES videos(id);

-- fk constraint placements placements_product_id_fkey
ALTER TABLE ONLY placements
    ADD CONSTRAINT placements_product_id_fkey FOREIGN KEY (product_id) REFERENCES products(id);

-- fk constraint placements placements_video_id_fkey
ALTER TABLE ONLY placements
    ADD CONSTRAINT placements_video_id_fkey FOREIGN KEY (video_id) REFERENCES videos(id);

-- fk constraint products products_advertiser_id_fkey
ALTER TABLE ONLY products
    ADD CONSTRAINT products_advertiser_id_fkey FOREIGN KEY (advertiser_id) REFERENCES advertisers(id);

-- fk constraint validation_runs validation_runs_video_id_fkey
ALTER TABLE ONLY validation_runs
    ADD CONSTRAINT validation_runs_video_id_fkey FOREIGN KEY (video_id) REFERENCES videos(id);

-- fk constraint webhook_deliveries webhook_deliveries_webhook_id_fkey
ALTER TABLE ONLY webhook_deliveries
    ADD CONSTRAINT webhook_deliveries_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES webhooks(id);

-- fk constraint webhooks webhooks_advertiser_id_fkey
ALTER TABLE ONLY webhooks
    ADD CONSTRAINT webhooks_advertiser_id_fkey FOREIGN KEY (advertiser_id) REFERENCES advertisers(id);

-- event_log's monthly partitions are made at run time, as the first migration makes them.
SELECT nedlia_ensure_event_log_partitions(3);
