-- features: the feature vectors the stream (run_id = '') or a replay run (run_id = its id) computed.
-- Queries: one key's features over a time range for one run (explain an inference, compare live with replay),
-- drift of one feature set over time.
-- ReplacingMergeTree: a re-processed batch recomputes the same vectors (features are a pure function of the
-- ordered input), so duplicates collapse on the sorting key; readers use FINAL.
-- ORDER BY (stream, key, feature_set, feature_set_version, run_id, event_time, event_id): the identity of a vector,
-- ordered so that one key's live history is one contiguous index range and replay runs sit beside it.
-- PARTITION BY month of event_time; TTL 180 days after computation, not event time (a backfill of old history must not be dropped on insert; inferences keep the vector they were scored on for a year).
CREATE TABLE IF NOT EXISTS features
(
    stream               LowCardinality(String),
    key                  String,
    event_id             String,
    event_time           DateTime64(3, 'UTC'),
    feature_set          LowCardinality(String),
    feature_set_version  LowCardinality(String),
    features             Map(LowCardinality(String), Float64),
    run_id               String DEFAULT '',
    computed_at          DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (stream, key, feature_set, feature_set_version, run_id, event_time, event_id)
TTL toDateTime(computed_at) + INTERVAL 180 DAY
COMMENT 'Feature vectors (run_id empty = live); read with FINAL';
