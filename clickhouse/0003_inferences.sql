-- inferences: every score, with which event, which features, which model (name, version, role), when, and for
-- API calls which key and request asked (architecture contract 7).
-- Queries: one asset's inferences over a time range (API, dashboards), one inference by id (API), anomaly
-- rate per model version (dashboards, shadow comparison).
-- ReplacingMergeTree keyed by the idempotent key (stream, key, event_id, model_name, model_role, run_id): after a
-- crash the re-processed batch is scored again, possibly split into other batches, and its rows replace the first
-- copies; readers use FINAL, so queries see each inference once, not once per retry. model_version is NOT in the
-- key: when a promotion or rollback lands between a crash and the re-processing, the event is scored once by the
-- version that scored it last, never twice; the row carries that version. Shadow scores (model_role 'shadow')
-- and replay runs (run_id) are rows of their own.
-- ORDER BY puts event_time after (stream, key) so a time range of one asset is one index range; event_time is a
-- function of event_id, so adding it does not change which rows count as duplicates.
-- inference_id has a bloom-filter skip index for the by-id lookup (writers derive it from the idempotent key,
-- so a retried inference keeps its id).
-- PARTITION BY month of event_time; TTL 365 days after scoring, not event time (backfills of old history must survive the insert): a year of scores covers audits and seasonal model reviews.
CREATE TABLE IF NOT EXISTS inferences
(
    inference_id         String,
    stream               LowCardinality(String),
    key                  String,
    event_id             String,
    event_time           DateTime64(3, 'UTC'),
    scored_at            DateTime64(3, 'UTC'),
    score                Float64,
    threshold            Float64,
    anomaly              Bool,
    model_name           LowCardinality(String),
    model_version        LowCardinality(String),
    model_role           LowCardinality(String),
    feature_set          LowCardinality(String),
    feature_set_version  LowCardinality(String),
    features             Map(LowCardinality(String), Float64),
    source_topic         LowCardinality(String) DEFAULT '',
    source_partition     Int32 DEFAULT -1,
    source_offset        Int64 DEFAULT -1,
    api_key_id           String DEFAULT '',
    request_id           String DEFAULT '',
    run_id               String DEFAULT '',
    INDEX idx_inference_id inference_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (stream, key, event_time, event_id, model_name, model_role, run_id)
TTL toDateTime(scored_at) + INTERVAL 365 DAY
COMMENT 'Scores; read with FINAL (one row per stream, key, event_id, model name, role, run_id)';
