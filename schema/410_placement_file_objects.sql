-- Every object the file-generator writes (src/placement_files), recorded before it is written,
-- so that retention knows which ones a newer generation superseded and when. A row with no
-- superseded_at is current (or being written); a manifest names its WebVTT track in
-- track_key. Retention deletes an object (and its row) a grace period after it was superseded,
-- unless a live placement's file_url names it (or the manifest whose track it is) again.
CREATE TABLE placement_file_objects (
    key text PRIMARY KEY,
    video_id uuid NOT NULL,
    track_key text,
    written_at timestamptz NOT NULL DEFAULT now(),
    superseded_at timestamptz
);
CREATE INDEX idx_placement_file_objects_current ON placement_file_objects USING btree (video_id)
    WHERE (superseded_at IS NULL);
CREATE INDEX idx_placement_file_objects_superseded ON placement_file_objects
    USING btree (superseded_at) WHERE (superseded_at IS NOT NULL);

-- Videos that may have placement files written before placement_file_objects existed (filled
-- by its migration): retention lists each one's objects once, records them (superseded from
-- then on, unless current), and deletes the row.
CREATE TABLE placement_file_sweeps (
    video_id uuid PRIMARY KEY
);
