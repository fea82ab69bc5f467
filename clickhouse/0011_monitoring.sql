-- Monitoring (monitoring/): data-quality checks, drift measures and the alerts they raise. Written by the monitor
-- role itself on a schedule (never re-delivered from Kafka), so plain MergeTree for the measurement tables; the
-- alert table keeps one latest state per alert like `alerts`.

-- data_quality: one row per check, subject and run. check is one of freshness (value: seconds since the asset's
-- last reading; status ok|stale), channel_freshness (seconds since the channel's last value; ok|dead),
-- completeness (missing share of the expected readings of the window, from the asset type's sample interval),
-- channel_completeness (share of the asset's readings without the channel), uniqueness (share of readings
-- repeating an (asset, event time) under another event id), validity (readings dead-lettered as NAN_VALUE or
-- OUT_OF_RANGE), dead_letters (count per stream and reason), dead_letter_rate (dead letters / all inputs per
-- stream). Queries: the latest value per subject (dashboards: argMax by computed_at), one asset's history.
-- ORDER BY (check, asset_id, channel, computed_at): "latest per subject of a check" and one asset's history are
-- index ranges. PARTITION BY month; TTL 30 days: quality history is for triage, trends live in Prometheus.
CREATE TABLE IF NOT EXISTS data_quality
(
    computed_at  DateTime64(3, 'UTC'),
    window_ms    UInt64,
    check        LowCardinality(String),
    stream       LowCardinality(String),
    asset_type   LowCardinality(String) DEFAULT '',
    asset_id     String DEFAULT '',
    channel      LowCardinality(String) DEFAULT '',
    reason       LowCardinality(String) DEFAULT '',
    value        Float64,
    status       LowCardinality(String) DEFAULT 'ok'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(computed_at)
ORDER BY (check, asset_id, channel, computed_at)
TTL toDateTime(computed_at) + INTERVAL 30 DAY
COMMENT 'Data-quality measures per run (monitoring/data-quality-job.ts); latest per subject with argMax';

-- drift: one row per run, model, window and target (a feature, `score` or `alert_rate`), with the live bin counts
-- next to the card's reference counts so a reader can redraw both histograms. Queries: PSI of one model's
-- features over time (dashboards), the latest report (vigil drift). ORDER BY (model_name, window, target,
-- computed_at); PARTITION BY month; TTL 180 days (a season of model behaviour for reviews).
CREATE TABLE IF NOT EXISTS drift
(
    computed_at       DateTime64(3, 'UTC'),
    window            LowCardinality(String),
    window_ms         UInt64,
    stream            LowCardinality(String),
    model_name        LowCardinality(String),
    model_version     LowCardinality(String),
    kind              LowCardinality(String),
    target            LowCardinality(String),
    psi               Float64,
    js_distance       Float64,
    live_rows         UInt64,
    live_counts       Array(UInt64),
    reference_counts  Array(Float64),
    drifted           Bool
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(computed_at)
ORDER BY (model_name, window, target, computed_at)
TTL toDateTime(computed_at) + INTERVAL 180 DAY
COMMENT 'Drift measures against the production model card (monitoring/drift-job.ts)';

-- monitoring_alerts: alerts about the data and the model, deliberately apart from equipment anomalies (`alerts`):
-- kind stale_asset (subject: asset id), dead_channel (asset id/channel), drift (model/target/window). Same
-- pattern as `alerts`: the monitor writes the whole row again at each transition with a higher version, FINAL
-- gives the latest. ORDER BY (kind, subject, opened_at, alert_id): one subject's alerts are contiguous; opened_at
-- never changes for an alert. No TTL: small, and the history says how often the data or the model failed.
CREATE TABLE IF NOT EXISTS monitoring_alerts
(
    alert_id    String,
    kind        LowCardinality(String),
    subject     String,
    state       LowCardinality(String),
    severity    LowCardinality(String),
    opened_at   DateTime64(3, 'UTC'),
    closed_at   Nullable(DateTime64(3, 'UTC')),
    value       Float64,
    threshold   Float64,
    message     String,
    labels      Map(LowCardinality(String), String),
    version     UInt32,
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (kind, subject, opened_at, alert_id)
COMMENT 'Data-quality and drift alerts, latest state per alert_id with FINAL (version = transition number)';
