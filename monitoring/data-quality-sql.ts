/**
 * Data-quality queries (pure text): aggregates ClickHouse computes over the raw readings and dead letters of a
 * lookback; data-quality.ts turns them into checks, statuses and alerts. Readings are read with FINAL (a
 * re-delivered reading is one reading). Event time is compared with the injected `now`, so a job run on history
 * (tests, backfills) judges that history as it was at `now`.
 */

/** Per asset over the lookback: last reading (freshness); over the window: readings, distinct event times, first. */
export const ASSET_QUALITY_SQL = `
SELECT
    asset_id,
    any(asset_type) AS asset_type,
    toUnixTimestamp64Milli(max(event_time)) AS last_ms,
    countIf(event_time > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')) AS window_readings,
    uniqExactIf(event_time, event_time > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')) AS window_times,
    toUnixTimestamp64Milli(minIf(event_time, event_time > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')))
        AS window_first_ms,
    if(mapContains({intervals:Map(String, Float64)}, asset_type) AND window_readings > 0,
        greatest(0, 1 - window_times / greatest(1,
            (({now:Int64} - greatest({windowFrom:Int64}, window_first_ms)) / {intervals:Map(String, Float64)}[asset_type]) + 1)),
        -1) AS missing_rate,
    if(window_readings > 0, 1 - window_times / window_readings, 0) AS duplicate_rate
FROM sensor_readings FINAL
WHERE event_time > fromUnixTimestamp64Milli({lookbackFrom:Int64}, 'UTC')
  AND event_time <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')
GROUP BY asset_id
ORDER BY asset_id
`;

export interface AssetQualityRow {
  readonly asset_id: string;
  readonly asset_type: string;
  readonly last_ms: string;
  readonly window_readings: string;
  readonly window_times: string;
  readonly window_first_ms: string;
  /** -1 when the asset type's sample interval is unknown (imported equipment) or there is no reading. */
  readonly missing_rate: number;
  readonly duplicate_rate: number;
}

/** Per asset and channel over the lookback: when the channel last had a value, and how often in the window. */
export const CHANNEL_QUALITY_SQL = `
SELECT
    asset_id,
    channel,
    toUnixTimestamp64Milli(max(event_time)) AS last_ms,
    countIf(event_time > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')) AS window_readings
FROM sensor_readings FINAL
ARRAY JOIN mapKeys(channels) AS channel
WHERE event_time > fromUnixTimestamp64Milli({lookbackFrom:Int64}, 'UTC')
  AND event_time <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')
GROUP BY asset_id, channel
ORDER BY asset_id, channel
`;

export interface ChannelQualityRow {
  readonly asset_id: string;
  readonly channel: string;
  readonly last_ms: string;
  readonly window_readings: string;
}

/** Dead letters of the window by stream and reason, with the inputs each stream accepted for the rate. */
export const DEAD_LETTER_SQL = `
SELECT stream, reason, count() AS dead_letters
FROM dead_letters FINAL
WHERE received_at > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')
  AND received_at <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')
GROUP BY stream, reason
ORDER BY stream, reason
`;

export interface DeadLetterRow {
  readonly stream: string;
  readonly reason: string;
  readonly dead_letters: string;
}

/** Sensor readings dead-lettered for invalid values, per asset (the Kafka record key is the asset id). */
export const INVALID_READINGS_SQL = `
SELECT ifNull(record_key, '') AS asset_id, count() AS invalid
FROM dead_letters FINAL
WHERE stream = 'sensors'
  AND reason IN ('NAN_VALUE', 'OUT_OF_RANGE')
  AND received_at > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')
  AND received_at <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')
GROUP BY asset_id
ORDER BY asset_id
`;

export interface InvalidReadingsRow {
  readonly asset_id: string;
  readonly invalid: string;
}

/** Orders accepted in the window (the denominator of the orders stream's dead-letter rate). */
export const ORDERS_ACCEPTED_SQL = `
SELECT count() AS accepted
FROM orders FINAL
WHERE event_time > fromUnixTimestamp64Milli({windowFrom:Int64}, 'UTC')
  AND event_time <= fromUnixTimestamp64Milli({now:Int64}, 'UTC')
`;
