-- nedlia migration
-- revision: 0ee3fb659c10
-- down_revision: 846e28194705
-- message: placement_details: its defining join as a view, keyset indexes for its queries
-- created: 2026-12-01T20:45:00Z

-- +up
-- The specification's materialized view query, kept as a plain view: the projector refreshes
-- placement_details from it one placement, video, product or advertiser at a time (the filters
-- reach the base tables' indexes through the view), `nedlia readmodel rebuild` copies it whole
-- and `nedlia readmodel verify` compares the table with it. Soft-deleted rows of any of the four
-- tables are left out (deleted data is invisible everywhere but to retention).
CREATE VIEW placement_details_definition AS
SELECT
    p.id,
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
FROM placements p
JOIN videos v ON p.video_id = v.id
JOIN products pr ON p.product_id = pr.id
JOIN advertisers a ON pr.advertiser_id = a.id
WHERE p.deleted_at IS NULL AND v.deleted_at IS NULL AND pr.deleted_at IS NULL
  AND a.deleted_at IS NULL;

-- The query API pages in id order within a filter: each index serves its filter and the order.
-- The builds below hold back only the projector, placement_details' one writer, which catches up
-- from the event log afterwards; reads go on meanwhile.
SET LOCAL lock_timeout = '5s';
DROP INDEX idx_placement_details_video;
DROP INDEX idx_placement_details_product;
DROP INDEX idx_placement_details_advertiser;
-- lint: allow index-not-concurrent: only the projector writes this table, and it catches up
CREATE INDEX idx_placement_details_video ON placement_details(video_id, id);
-- lint: allow index-not-concurrent: only the projector writes this table, and it catches up
CREATE INDEX idx_placement_details_product ON placement_details(product_id, id);
-- lint: allow index-not-concurrent: only the projector writes this table, and it catches up
CREATE INDEX idx_placement_details_advertiser ON placement_details(advertiser_id, id);
-- lint: allow index-not-concurrent: only the projector writes this table, and it catches up
CREATE INDEX idx_placement_details_category ON placement_details(product_category, id);

-- +down
DROP INDEX idx_placement_details_category;
DROP INDEX idx_placement_details_advertiser;
DROP INDEX idx_placement_details_product;
DROP INDEX idx_placement_details_video;
CREATE INDEX idx_placement_details_video ON placement_details(video_id);
CREATE INDEX idx_placement_details_product ON placement_details(product_id);
CREATE INDEX idx_placement_details_advertiser ON placement_details(advertiser_id);
DROP VIEW placement_details_definition;
