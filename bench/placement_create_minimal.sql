-- pgbench: the least a create can cost in PostgreSQL, the yardstick beside
-- bench/placement_create.sql (the project's own transaction): BEGIN, the placement INSERT, one
-- event INSERT (the com.nedlia.placement.created.v2 row, as the API writes it), COMMIT. No
-- targets query (no locks on video, product and advertiser, no check that they exist or are
-- active: the foreign keys still check existence) and no v1 copy. One round trip per statement,
-- as pgbench sends them.
\set v random(1, :videos)
\set p random(1, :products)
\set s random(0, 9999999998)
\set start :s / 1000.0
\set finish (:s + 1) / 1000.0
\set placement_a random(0, 4095)
\set placement_b random(0, 1152921504606846975)
\set event_a random(0, 4095)
\set event_b random(0, 1152921504606846975)
\set trace random(0, 1152921504606846975)
BEGIN;
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
COMMIT;
