-- nedlia migration
-- revision: a41c7e93d2b6
-- down_revision: 6188cbd2c69d
-- message: validation runs that advertiser keys requested keep only the requester's own issues
-- created: 2026-12-06T10:30:00Z

-- +up
-- Videos are shared, and a run that an advertiser's key requested used to report on every
-- advertiser's placements of the video: other tenants' placement ids, drafts, paused campaigns
-- and suspended standing. Runs are now narrowed to the requester when they run; this removes
-- what older runs hold of other tenants. Of each completed run requested by an advertiser key,
-- only the issues of that advertiser's placements stay. The summary is recounted from them;
-- which placements the run saw was not recorded, so total_placements becomes the advertiser's
-- live placements of the video now (never fewer than those with an error). Irreversible: what
-- is removed was never the requester's to see.
SET LOCAL lock_timeout = '5s';
WITH owned AS (
    SELECT r.id, r.video_id, k.advertiser_id, r.issues
    FROM validation_runs r JOIN api_keys k ON k.id = r.requested_by
    WHERE k.advertiser_id IS NOT NULL AND r.status = 'completed'
), issue AS (
    SELECT o.id, i.n, i.value AS issue, i.value->>'severity' AS severity,
           i.value->>'placement_id' AS placement_id
    FROM owned o
    CROSS JOIN LATERAL json_array_elements(o.issues) WITH ORDINALITY AS i(value, n)
    JOIN placements pl ON pl.id::text = i.value->>'placement_id'
    JOIN products pr ON pr.id = pl.product_id AND pr.advertiser_id = o.advertiser_id
), kept AS (
    SELECT o.id,
           COALESCE((SELECT json_agg(issue ORDER BY n) FROM issue WHERE issue.id = o.id),
                    '[]'::json) AS issues,
           (SELECT count(*) FROM issue WHERE issue.id = o.id) AS issues_count,
           (SELECT count(DISTINCT placement_id) FROM issue
            WHERE issue.id = o.id AND severity = 'error') AS with_error,
           (SELECT count(*) FROM placements pl JOIN products pr ON pr.id = pl.product_id
            WHERE pl.video_id = o.video_id AND pr.advertiser_id = o.advertiser_id
              AND pl.deleted_at IS NULL AND pl.status <> 'archived') AS live
    FROM owned o
)
UPDATE validation_runs r
SET issues = kept.issues,
    summary = jsonb_build_object(
        'total_placements', GREATEST(kept.live, kept.with_error),
        'valid_placements', GREATEST(kept.live, kept.with_error) - kept.with_error,
        'issues_count', kept.issues_count,
        'is_valid', kept.with_error = 0)
FROM kept
WHERE r.id = kept.id;

-- +down
-- Nothing to undo: the issues removed belonged to other tenants and are not restored.
SELECT 1;
