-- fault_ground_truth: the faults the simulators injected (source = 'simulator', with run_id and seed) or that
-- were imported from maintenance records (source = 'import'). Queries: faults of one asset over a time range,
-- joined with inferences and alerts to score detection (precision, recall, time to detect).
-- ReplacingMergeTree ORDER BY (stream, key, start_time, kind, source, run_id): the identity of a fault; a simulator
-- restarted with the same seed writes the same rows, which collapse. Small table: no partitioning, no TTL
-- (labels are what models are evaluated against).
CREATE TABLE IF NOT EXISTS fault_ground_truth
(
    source       LowCardinality(String),
    stream       LowCardinality(String),
    key          String,
    channels     Array(LowCardinality(String)),
    kind         LowCardinality(String),
    start_time   DateTime64(3, 'UTC'),
    end_time     DateTime64(3, 'UTC'),
    run_id       String DEFAULT '',
    seed         Int64 DEFAULT 0,
    recorded_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (stream, key, start_time, kind, source, run_id)
COMMENT 'Injected or imported faults (labels); read with FINAL';
