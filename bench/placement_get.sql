-- pgbench: the read of GET /v1/placements/{id} (src/repositories/placement_rows.cpp, kFind), in
-- autocommit like the API's reads. Ids are the seeded placements 1..:placements.
\set n random(1, :placements)
SELECT p.id, p.video_id, p.product_id, p.start_time::text, p.end_time::text, p.description,
       p.position::text, p.status, p.file_url, (extract(epoch FROM p.created_at) * 1000)::int8,
       (extract(epoch FROM p.updated_at) * 1000)::int8, p.created_by, p.version, pr.advertiser_id
FROM placements p JOIN products pr ON pr.id = p.product_id
WHERE p.id = ('00000004-0000-4000-8000-' || lpad(to_hex((:n)::int8), 12, '0'))::uuid
  AND p.deleted_at IS NULL;
