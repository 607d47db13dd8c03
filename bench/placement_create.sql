-- pgbench: the create transaction of POST /v1/placements, statement for statement, as
-- src/repositories/placement_rows.cpp, src/events/outbox_rows.cpp and src/events/version_copies.cpp
-- write it:
--   BEGIN;
--   the targets query: locks the video FOR SHARE, the product FOR KEY SHARE and its advertiser
--     FOR SHARE, and reads the transaction's timestamp;
--   INSERT the placement;
--   INSERT the com.nedlia.placement.created.v2 event;
--   INSERT its com.nedlia.placement.created.v1 copy: v1 is in its deprecation window until
--     2027-06-01 (events/placement.created.v1.yaml), and during it every v2 event is written
--     with a v1 copy marked deprecated, nedliacopyof naming the v2 event;
--   COMMIT.
-- The API sends them in two round trips (BEGIN with the targets query; the three INSERTs with
-- COMMIT, pipelined); pgbench sends each on its own.
-- Included: every statement of the create transaction, with rows of the API's shape: ids
-- time-ordered like the UUIDv7s the application generates, the events' data and envelope
-- metadata as the API writes them (environment "development", a traceparent), created_by and
-- advertiser_id set.
-- Not included: the request's api_logs row (src/repositories/pg_api_log.cpp queues it and a
-- background thread writes the queue, 128 rows at a time, as one multi-row INSERT outside the
-- transaction), the NOTIFY that events::CommitSignal sends after the commit (its own
-- connection, at most one per 10 ms), and the API key's lookup (cached for 5 s). After
-- 2027-06-01 the API stops writing the v1 copy: drop that INSERT then.
-- pgbench variables are integers, so ids and JSON are made from them in SQL. now() is the
-- transaction's start, the same in every statement: the events name the placement's id and
-- the copy names the v2 event's id without reading anything back. In prepared mode pgbench
-- takes every ":name" as a variable, string literals included: the JSON below writes ": true"
-- and the times' colons as \u003a, which jsonb stores as the same values.
\set v random(1, :videos)
\set p random(1, :products)
\set s random(0, 9999999998)
\set start :s / 1000.0
\set finish (:s + 1) / 1000.0
\set placement_a random(0, 4095)
\set placement_b random(0, 1152921504606846975)
\set event_a random(0, 4095)
\set event_b random(0, 1152921504606846975)
\set copy_a random(0, 4095)
\set copy_b random(0, 1152921504606846975)
\set trace random(0, 1152921504606846975)
BEGIN;
WITH video AS (
  SELECT duration::text, status FROM videos
  WHERE id = ('00000002-0000-4000-8000-' || lpad(to_hex((:v)::int8), 12, '0'))::uuid AND deleted_at IS NULL
  FOR SHARE
), owner AS (
  SELECT a.id, a.status FROM products p JOIN advertisers a ON a.id = p.advertiser_id
  WHERE p.id = ('00000001-0000-4000-8000-' || lpad(to_hex((:p)::int8), 12, '0'))::uuid
    AND p.deleted_at IS NULL AND a.deleted_at IS NULL
  FOR KEY SHARE OF p FOR SHARE OF a
)
SELECT video.duration, video.status, owner.id, owner.status,
       (extract(epoch FROM now()) * 1000)::int8
FROM (SELECT) AS one LEFT JOIN video ON true LEFT JOIN owner ON true;
INSERT INTO placements (id, video_id, product_id, start_time, end_time, description,
                        position, status, file_url, created_by)
VALUES ((lpad(to_hex((extract(epoch FROM now()) * 1000)::int8), 12, '0') || '7' ||
         lpad(to_hex((:placement_a)::int8), 3, '0') || '8' || lpad(to_hex((:placement_b)::int8), 15, '0'))::uuid,
        ('00000002-0000-4000-8000-' || lpad(to_hex((:v)::int8), 12, '0'))::uuid,
        ('00000001-0000-4000-8000-' || lpad(to_hex((:p)::int8), 12, '0'))::uuid,
        (:start)::numeric, (:finish)::numeric, NULL, NULL::jsonb, 'active', NULL,
        '00000003-0000-4000-8000-000000000001');
INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata, created_by,
                       advertiser_id)
SELECT new.event, 'com.nedlia.placement.created.v2', 'placement', new.placement,
       format('{"created_by":"00000003-0000-4000-8000-000000000001","placement_id":"%s","product_id":"%s","status":"active","time_range":{"end_ms":%s,"start_ms":%s},"video_id":"%s"}',
              new.placement, new.product, (:s)::int8 + 1, (:s)::int8, new.video)::jsonb,
       format('{"datacontenttype":"application/json","dataschema":"http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v2","nedliaenvironment":"development","nedliaversion":"0.1.0","source":"/placements","specversion":"1.0","subject":"%s","traceparent":"00-%s-%s-01"}',
              new.placement, new.trace, substr(new.trace, 1, 16))::jsonb,
       '00000003-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001'
FROM (SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::int8), 12, '0') || '7' ||
              lpad(to_hex((:placement_a)::int8), 3, '0') || '8' || lpad(to_hex((:placement_b)::int8), 15, '0'))::uuid AS placement,
             (lpad(to_hex((extract(epoch FROM now()) * 1000)::int8), 12, '0') || '7' ||
              lpad(to_hex((:event_a)::int8), 3, '0') || '8' || lpad(to_hex((:event_b)::int8), 15, '0'))::uuid AS event,
             ('00000002-0000-4000-8000-' || lpad(to_hex((:v)::int8), 12, '0'))::uuid AS video,
             ('00000001-0000-4000-8000-' || lpad(to_hex((:p)::int8), 12, '0'))::uuid AS product,
             md5((:trace)::text) AS trace) AS new;
INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata, created_by,
                       advertiser_id)
SELECT new.copy, 'com.nedlia.placement.created.v1', 'placement', new.placement,
       format('{"created_by":"00000003-0000-4000-8000-000000000001","placement_id":"%s","product_id":"%s","time_range":{"end_time":%s,"start_time":%s},"video_id":"%s"}',
              new.placement, new.product, (:finish)::numeric, (:start)::numeric, new.video)::jsonb,
       format('{"datacontenttype":"application/json","dataschema":"http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v1","deprecated": true,"deprecationfrom":"2026-12-01T00\u003a00\u003a00Z","deprecationmigration":"http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v2","deprecationsunset":"2027-06-01T00\u003a00\u003a00Z","nedliacopyof":"%s","nedliaenvironment":"development","nedliaversion":"0.1.0","source":"/placements","specversion":"1.0","subject":"%s","traceparent":"00-%s-%s-01"}',
              new.event, new.placement, new.trace, substr(new.trace, 1, 16))::jsonb,
       '00000003-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001'
FROM (SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::int8), 12, '0') || '7' ||
              lpad(to_hex((:placement_a)::int8), 3, '0') || '8' || lpad(to_hex((:placement_b)::int8), 15, '0'))::uuid AS placement,
             (lpad(to_hex((extract(epoch FROM now()) * 1000)::int8), 12, '0') || '7' ||
              lpad(to_hex((:event_a)::int8), 3, '0') || '8' || lpad(to_hex((:event_b)::int8), 15, '0'))::uuid AS event,
             (lpad(to_hex((extract(epoch FROM now()) * 1000)::int8), 12, '0') || '7' ||
              lpad(to_hex((:copy_a)::int8), 3, '0') || '8' || lpad(to_hex((:copy_b)::int8), 15, '0'))::uuid AS copy,
             ('00000002-0000-4000-8000-' || lpad(to_hex((:v)::int8), 12, '0'))::uuid AS video,
             ('00000001-0000-4000-8000-' || lpad(to_hex((:p)::int8), 12, '0'))::uuid AS product,
             md5((:trace)::text) AS trace) AS new;
COMMIT;
