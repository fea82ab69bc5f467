-- alerts: the alert policy's output, one row per alert holding its latest state.
-- Queries: recent alerts (dashboards), alerts filtered by asset, state and severity (API), open alerts per asset.
-- ReplacingMergeTree(version): the stream writes the whole row again at each transition with a higher version
-- (1 = opened, 2 = closed, ...); FINAL returns the latest. A re-processed batch writes the same versions again,
-- which collapse. Acknowledgements come from people through the API and live in their own table below, so the
-- stream and the API never race to rewrite the same row.
-- ORDER BY (stream, key, opened_at, alert_id): one asset's alerts are contiguous and in time order; opened_at
-- never changes for an alert, so all versions of one alert share the key.
-- state and severity have set skip indexes for the API filters; PARTITION BY month of opened_at for "recent"
-- pruning. No TTL: alerts and their verdicts are the labelled history models are evaluated against.
CREATE TABLE IF NOT EXISTS alerts
(
    alert_id       String,
    stream         LowCardinality(String),
    key            String,
    state          LowCardinality(String),
    severity       LowCardinality(String),
    opened_at      DateTime64(3, 'UTC'),
    closed_at      Nullable(DateTime64(3, 'UTC')),
    event_time     DateTime64(3, 'UTC'),
    score          Float64,
    model_name     LowCardinality(String),
    model_version  LowCardinality(String),
    contributors   Array(Tuple(channel String, value Float64, normal_low Float64, normal_high Float64, z_score Float64)),
    run_id         String DEFAULT '',
    version        UInt32,
    updated_at     DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_state state TYPE set(8) GRANULARITY 1,
    INDEX idx_severity severity TYPE set(8) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(opened_at)
ORDER BY (stream, key, opened_at, alert_id)
COMMENT 'Alerts, latest state per alert_id with FINAL (version = transition number)';

-- alert_acknowledgements: who looked at an alert, when, and what they concluded (verdict: true_positive,
-- false_positive, ...). ReplacingMergeTree(ack_at) ORDER BY alert_id: the latest acknowledgement of an alert wins;
-- looked up by alert_id (joined to alerts). No TTL, same reason as alerts.
CREATE TABLE IF NOT EXISTS alert_acknowledgements
(
    alert_id  String,
    stream    LowCardinality(String),
    key       String,
    ack_by    String,
    ack_at    DateTime64(3, 'UTC'),
    verdict   LowCardinality(String),
    comment   String
)
ENGINE = ReplacingMergeTree(ack_at)
ORDER BY alert_id
COMMENT 'Latest acknowledgement per alert with FINAL';

-- alerts_current: what readers of alerts want (latest state joined with the latest acknowledgement), so that
-- the API and dashboards need not repeat FINAL and the join. Filters on it are pushed into the alerts scan.
CREATE VIEW IF NOT EXISTS alerts_current AS
SELECT
    a.alert_id AS alert_id, a.stream AS stream, a.key AS key, a.state AS state, a.severity AS severity,
    a.opened_at AS opened_at, a.closed_at AS closed_at, a.event_time AS event_time, a.score AS score,
    a.model_name AS model_name, a.model_version AS model_version, a.contributors AS contributors,
    a.run_id AS run_id, a.version AS version, a.updated_at AS updated_at,
    k.ack_by AS ack_by, k.ack_at AS ack_at, k.verdict AS verdict, k.comment AS comment
FROM alerts AS a FINAL
LEFT JOIN (SELECT alert_id, ack_by, ack_at, verdict, comment FROM alert_acknowledgements FINAL) AS k
    ON k.alert_id = a.alert_id
SETTINGS join_use_nulls = 1;
