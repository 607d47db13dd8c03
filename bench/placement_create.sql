-- pgbench: the create path of POST /v1/placements, statement for statement (see
-- src/store/placement_rows.cpp and src/events/outbox_rows.cpp): BEGIN, the targets query that
-- locks the advertiser (and reads the transaction's timestamp), the INSERT, the outbox INSERT,
-- COMMIT. The API sends them in two round trips (pipelined), pgbench in five. pgbench variables
-- are integers, so ids are made from them in SQL, and the new id is time-ordered like the
-- UUIDv7 the application generates.
\set v random(1, :videos)
\set p random(1, :products)
\set s random(0, 9999999998)
\set start :s / 1000.0
\set finish (:s + 1) / 1000.0
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
VALUES ((lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::int8), 12, '0') ||
         substr(md5(random()::text), 1, 20))::uuid,
        ('00000002-0000-4000-8000-' || lpad(to_hex((:v)::int8), 12, '0'))::uuid,
        ('00000001-0000-4000-8000-' || lpad(to_hex((:p)::int8), 12, '0'))::uuid,
        (:start)::numeric, (:finish)::numeric, NULL, NULL::jsonb, 'active', NULL,
        '00000003-0000-4000-8000-000000000001');
INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata, created_by)
VALUES (gen_random_uuid(), 'com.nedlia.placement.created.v1', 'placement', gen_random_uuid(),
        '{"placement_id":"0190f6d2-7a3e-7c4b-8d5e-0123456789ab","video_id":"00000002-0000-4000-8000-000000000001","product_id":"00000001-0000-4000-8000-000000000001","time_range":{"start_time":12.5,"end_time":20.0},"created_by":"00000003-0000-4000-8000-000000000001"}'::jsonb,
        '{"specversion":"1.0","source":"/placements","subject":"0190f6d2-7a3e-7c4b-8d5e-0123456789ab","datacontenttype":"application/json","nedliaenvironment":"bench","nedliaversion":"0.1.0","traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}'::jsonb,
        '00000003-0000-4000-8000-000000000001');
COMMIT;
