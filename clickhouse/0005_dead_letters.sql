-- dead_letters: inputs that did not enter the pipeline (architecture contract 6), with the original bytes,
-- where they came from and why.
-- Queries: recent dead letters of a stream, counts by reason (dashboards), one record by source coordinates (API).
-- ReplacingMergeTree ORDER BY (source_topic, source_partition, source_offset): a Kafka record's coordinates are its
-- identity, so a re-processed batch dead-letters the same record onto the same key and it collapses; readers use
-- FINAL. The topic leads, so one stream's dead letters are contiguous.
-- The original key/value bytes are kept byte for byte in String columns. JSON cannot carry arbitrary bytes, so
-- writers send them base64-encoded in the EPHEMERAL columns key_base64/value_base64 and the table decodes them;
-- readers select base64Encode(record_value) to get them back.
-- PARTITION BY month of received_at (there may be no event time for undecodable bytes); a re-delivery in the next
-- month lands in another partition, which FINAL still deduplicates. TTL 30 days: dead letters are for triage
-- and replay-after-fix, not for history.
CREATE TABLE IF NOT EXISTS dead_letters
(
    stream            LowCardinality(String),
    source_topic      LowCardinality(String),
    source_partition  Int32,
    source_offset     Int64,
    key_base64        Nullable(String) EPHEMERAL,
    value_base64      Nullable(String) EPHEMERAL,
    record_key        Nullable(String) DEFAULT base64Decode(key_base64),
    record_value      Nullable(String) DEFAULT base64Decode(value_base64),
    reason            LowCardinality(String),
    message           String,
    received_at       DateTime64(3, 'UTC'),
    INDEX idx_reason reason TYPE set(16) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (source_topic, source_partition, source_offset)
TTL toDateTime(received_at) + INTERVAL 30 DAY
COMMENT 'Dead letters; read with FINAL (one row per source topic/partition/offset)';
