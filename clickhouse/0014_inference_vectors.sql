-- The stream and replay now write each feature vector once, to `features`, and leave `inferences.features` empty
-- (adapters/clickhouse/rows.ts, InferenceVector): readers join the two on (stream, key, event_id, run_id,
-- feature_set_version). A stream inference must stay traceable to its vector for as long as it is kept, so
-- `features` now lives as long as `inferences` (365 days). API and evaluation rows keep their vector inline.
ALTER TABLE features MODIFY TTL toDateTime(computed_at) + INTERVAL 365 DAY;
ALTER TABLE features MODIFY COMMENT 'Feature vectors, one per accepted event (run_id empty = live); the vector of stream and replay inferences; read with FINAL';
ALTER TABLE inferences MODIFY COMMENT 'Scores; read with FINAL (one row per stream, key, event_id, model name, role, run_id); features empty = the vector is in the features table';
