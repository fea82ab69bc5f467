-- asset_types: equipment types registered at run time (a CSV import of a machine Vigil has never seen), beside the
-- types of the committed plant description. Queries: all types with their channels, at processor and API start.
-- ReplacingMergeTree(registered_at) ORDER BY asset_type: one row per type, the latest registration wins; tiny
-- table, no partitions, no TTL (a type stays known as long as models and history refer to it).
CREATE TABLE IF NOT EXISTS asset_types
(
    asset_type     LowCardinality(String),
    channels       Array(String),
    source         String,
    registered_by  String,
    registered_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(registered_at)
ORDER BY asset_type
COMMENT 'Asset types registered by imports; read with FINAL';
