-- Raw events as the stream processors accepted them (after decoding and contract checks).
--
-- Why ReplacingMergeTree everywhere a Kafka consumer writes: offsets are committed only after the insert is
-- durable, so a crash between insert and commit re-processes the batch, and the retry may be split into batches
-- differently (block-level insert deduplication tokens cannot catch that). Rows sharing the full sorting key are
-- the same fact; ReplacingMergeTree collapses them in background merges, and readers use FINAL (see README.md)
-- so that they see each fact once even before a merge.
--
-- Partitions use the event time, never the ingestion time: a re-delivered row then falls into the same
-- partition as its first copy and merges away (FINAL dedups across partitions too, merges do not).

-- sensor_readings. Queries: time series of one asset over a time range (dashboards, API, replay), recent
-- readings of a site or line (dashboards).
-- ORDER BY (asset_id, event_time, event_id): one asset's time range is one contiguous range of the primary index;
-- event_id last makes the key the reading's identity, so a retried reading replaces itself.
-- PARTITION BY month of event_time: time-range queries prune months.
-- TTL counts from ingestion, never from event time: a backfill or an import of last year's readings must not be
-- dropped on insert (ClickHouse applies TTL at insert), and replay and training read exactly such history.
-- TTL 90 days: the largest table; features and inferences keep the derived history longer, replay windows
-- beyond 90 days are re-imported from the source.
CREATE TABLE IF NOT EXISTS sensor_readings
(
    event_id          String,
    asset_id          LowCardinality(String),
    asset_type        LowCardinality(String),
    site              LowCardinality(String),
    line              LowCardinality(String),
    event_time        DateTime64(3, 'UTC'),
    seq               Int64,
    channels          Map(LowCardinality(String), Float64),
    quality           Array(LowCardinality(String)),
    source_topic      LowCardinality(String),
    source_partition  Int32,
    source_offset     Int64,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (asset_id, event_time, event_id)
TTL toDateTime(ingested_at) + INTERVAL 90 DAY
COMMENT 'Raw sensor readings; read with FINAL (deduplicated by asset_id, event_time, event_id)';

-- orders. Queries: one store's orders over a time range, recent orders by outcome (dashboards).
-- ORDER BY (store_id, event_time, event_id) for the same reasons as sensor_readings; 180 days TTL because order
-- volumes are small and seasonal comparisons need months.
CREATE TABLE IF NOT EXISTS orders
(
    event_id          String,
    store_id          LowCardinality(String),
    event_time        DateTime64(3, 'UTC'),
    amount            Float64,
    currency          LowCardinality(String),
    items             UInt32,
    payment_method    LowCardinality(String),
    payment_outcome   LowCardinality(String),
    country           LowCardinality(String),
    channel           LowCardinality(String),
    source_topic      LowCardinality(String),
    source_partition  Int32,
    source_offset     Int64,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(event_time)
ORDER BY (store_id, event_time, event_id)
TTL toDateTime(ingested_at) + INTERVAL 180 DAY
COMMENT 'Raw orders; read with FINAL (deduplicated by store_id, event_time, event_id)';
