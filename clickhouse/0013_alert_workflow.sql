-- threshold_overrides: per asset type or per asset alert thresholds set by people (the fleet level is the model
-- card's threshold and lives with the model). One row per change; the current override of (stream, level,
-- target) is the latest row (ReplacingMergeTree(set_at) with FINAL). A cleared override is a row with
-- cleared = 1, so "who removed it, when and why" survives like any other change.
-- The processor reads the whole (small: one row per overridden asset) table FINAL every refresh; ORDER BY
-- (stream, level, target) is that identity. No TTL, no partitioning: tiny, and thresholds are part of the audit.
CREATE TABLE IF NOT EXISTS threshold_overrides
(
    stream     LowCardinality(String),
    level      LowCardinality(String),
    target     String,
    threshold  Float64,
    cleared    Bool DEFAULT false,
    set_by     String,
    set_at     DateTime64(3, 'UTC'),
    reason     String
)
ENGINE = ReplacingMergeTree(set_at)
ORDER BY (stream, level, target)
COMMENT 'Alert threshold overrides by asset type / asset; latest row per (stream, level, target) with FINAL';

-- threshold_override_log: every threshold change ever made (the audit trail; threshold_overrides keeps only the
-- latest per target after merges). Plain MergeTree, written by people through the CLI/API, never re-delivered.
-- ORDER BY (stream, target, set_at): "history of this asset's threshold". No TTL: audit.
CREATE TABLE IF NOT EXISTS threshold_override_log
(
    stream     LowCardinality(String),
    level      LowCardinality(String),
    target     String,
    threshold  Float64,
    cleared    Bool DEFAULT false,
    previous   Nullable(Float64),
    set_by     String,
    set_at     DateTime64(3, 'UTC'),
    reason     String
)
ENGINE = MergeTree
ORDER BY (stream, target, set_at)
COMMENT 'Audit of threshold override changes (append-only)';

-- maintenance_windows: planned stops / maintenance / commissioning of one asset, during which its alerts are
-- suppressed (still scored and stored, alerts.suppressed = 1). Ending a window early rewrites its row with a new
-- ends_at and a later updated_at (ReplacingMergeTree(updated_at), read with FINAL). The processor reads the
-- windows that have not ended long ago on every refresh; ORDER BY (stream, key, window_id) is the identity and
-- keeps one asset's windows together. No TTL: suppression must stay explainable in alert-quality reviews.
CREATE TABLE IF NOT EXISTS maintenance_windows
(
    window_id   String,
    stream      LowCardinality(String),
    key         String,
    mode        LowCardinality(String),
    starts_at   DateTime64(3, 'UTC'),
    ends_at     DateTime64(3, 'UTC'),
    reason      String,
    created_by  String,
    created_at  DateTime64(3, 'UTC'),
    ended_by    String DEFAULT '',
    updated_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (stream, key, window_id)
COMMENT 'Maintenance windows per asset; latest row per window with FINAL';

-- alerts.suppressed: the alert opened during a maintenance window of its asset. Stored like any alert (quality
-- figures and reviews can count them) but not published on the alerts topic and never notified.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS suppressed Bool DEFAULT false;
