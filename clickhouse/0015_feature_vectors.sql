-- Feature vectors as values only: `features.vector` holds the values in the set's order and `feature_sets` the
-- names once per feature set version (adapters/clickhouse/rows.ts featureRow / featureSetRows). A row of ~200
-- named map entries per event was most of the stream's insert time; the names were the same in every row.
-- Rows written before this migration keep their `features` map (and an empty vector); readers take either
-- (FEATURE_MAP_OF_ROW).
ALTER TABLE features ADD COLUMN IF NOT EXISTS vector Array(Float64) AFTER features;

-- feature_sets: the names of each feature set version, in vector order. Written by the stream (and replay) before
-- the first vector of a version; a version is a hash of the set's definition, so a row never changes: a
-- ReplacingMergeTree on the identity makes rewrites after a restart harmless. Tiny: no partitioning, no TTL.
CREATE TABLE IF NOT EXISTS feature_sets
(
    feature_set          LowCardinality(String),
    feature_set_version  LowCardinality(String),
    names                Array(String),
    registered_at        DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY (feature_set, feature_set_version)
COMMENT 'Feature names per feature set version, in the order of features.vector; read with FINAL';
