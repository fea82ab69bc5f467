-- model_versions: every registered model version with its state and card. Queries: versions of one model,
-- the production/shadow version of a stream (API, processors at start-up).
-- ReplacingMergeTree(updated_at) ORDER BY (name, version): a state change (registered -> shadow -> production ->
-- archived) writes the row again with a later updated_at; FINAL gives the current state. Small: no partitions,
-- no TTL (the history of what scored what must stay).
CREATE TABLE IF NOT EXISTS model_versions
(
    name         LowCardinality(String),
    version      String,
    stream       LowCardinality(String),
    state        LowCardinality(String),
    onnx_sha256  String,
    card         String,
    created_at   DateTime64(3, 'UTC'),
    created_by   String,
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (name, version)
COMMENT 'Model versions, current state per (name, version) with FINAL; card is JSON text';

-- model_events: who promoted, shadowed, rolled back or archived what, when, from which version, and why
-- (architecture contract 7). Queries: the history of one model in time order (API, audits).
-- ReplacingMergeTree ORDER BY (model_name, at, action, version): an event re-announced on the control topic
-- after a crash collapses onto itself. Append-only, no TTL.
CREATE TABLE IF NOT EXISTS model_events
(
    model_name    LowCardinality(String),
    stream        LowCardinality(String),
    action        LowCardinality(String),
    version       String,
    from_version  Nullable(String),
    actor         String,
    reason        String,
    at            DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (model_name, at, action, version)
COMMENT 'Model lifecycle audit trail; read with FINAL';
