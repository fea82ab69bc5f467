-- api_keys: API keys (only a hash of the secret is stored). Queries: one key by id or by its public prefix at
-- authentication, the list of keys (CLI). ReplacingMergeTree(updated_at) ORDER BY id: revoking writes the row
-- again with revoked_at and a later updated_at; FINAL gives the current state. prefix has a bloom-filter index
-- for the authentication lookup. Small: no partitions; no TTL (revoked keys stay for the audit trail).
CREATE TABLE IF NOT EXISTS api_keys
(
    id          String,
    prefix      String,
    hash        String,
    role        LowCardinality(String),
    name        String DEFAULT '',
    created_at  DateTime64(3, 'UTC'),
    created_by  String DEFAULT '',
    expires_at  Nullable(DateTime64(3, 'UTC')),
    revoked_at  Nullable(DateTime64(3, 'UTC')),
    updated_at  DateTime64(3, 'UTC'),
    INDEX idx_prefix prefix TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY id
COMMENT 'API keys (hashed), current state per id with FINAL';

-- api_audit: one row per API request: which key (and role) called which route, the outcome, the latency, the
-- request id and the inferences it produced. Queries: one key's requests over a time range (audit), recent
-- errors (dashboards). Written by the API itself, not re-delivered from Kafka, so a plain MergeTree.
-- ORDER BY (api_key_id, at): "audit by key and time" is one index range. PARTITION BY month of at; TTL 400 days
-- keeps a year of audit plus a margin.
CREATE TABLE IF NOT EXISTS api_audit
(
    at             DateTime64(3, 'UTC'),
    api_key_id     String,
    role           LowCardinality(String),
    route          LowCardinality(String),
    method         LowCardinality(String),
    status         UInt16,
    latency_ms     Float64,
    request_id     String,
    inference_ids  Array(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (api_key_id, at)
TTL toDateTime(at) + INTERVAL 400 DAY
COMMENT 'API audit trail, one row per request';
