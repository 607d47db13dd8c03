-- pgbench: the ceiling of bench/events, event_log's write rate alone. One event per transaction,
-- sent as the application sends it (src/events/outbox_rows.cpp: BEGIN, the outbox INSERT and
-- COMMIT pipelined in one round trip), with the row event_delivery_bench writes: a
-- com.nedlia.placement.created.v1 with its data and envelope metadata. pgbench variables are
-- integers, so the ids are made in SQL, time-ordered like the UUIDv7 the application generates.
\startpipeline
BEGIN;
INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata, created_by,
                       advertiser_id)
SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::int8), 12, '0') ||
        substr(md5(random()::text), 1, 20))::uuid,
       'com.nedlia.placement.created.v1', 'placement', placement,
       jsonb_build_object('placement_id', placement, 'video_id', gen_random_uuid(),
                          'product_id', gen_random_uuid(),
                          'time_range', jsonb_build_object('start_time', 12.5, 'end_time', 30.25),
                          'created_by', '00000003-0000-4000-8000-000000000001'),
       jsonb_build_object('specversion', '1.0', 'source', '/placements', 'subject', placement,
                          'datacontenttype', 'application/json',
                          'dataschema', 'http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v1',
                          'nedliaenvironment', 'bench', 'nedliaversion', 'bench',
                          'traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
       '00000003-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001'
FROM (SELECT (lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::int8), 12, '0') ||
              substr(md5(random()::text), 1, 20))::uuid AS placement) AS new;
COMMIT;
\endpipeline
