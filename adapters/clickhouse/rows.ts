/**
 * Vigil's records as ClickHouse rows (JSONEachRow; DateTime64 columns take epoch ms), in one place so the stream,
 * replay and the API write identical rows, and the readers that rebuild events (processor restore, replay) read
 * them back the same way.
 */
import { endianness } from 'node:os';
import type { Alert, DeadLetter, Inference, Order, SensorReading } from '../../core/events/types.js';
import { namedVectorOf } from '../../core/scoring/feature-map.js';
import type { Row } from './types.js';

export interface SourceCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export function sensorReadingRow(r: SensorReading, source: SourceCoordinates): Row {
  return {
    event_id: r.eventId,
    asset_id: r.assetId,
    asset_type: r.assetType,
    site: r.site,
    line: r.line,
    event_time: r.eventTime,
    seq: r.seq,
    channels: r.channels,
    quality: r.quality,
    source_topic: source.topic,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

export function orderRow(o: Order, source: SourceCoordinates): Row {
  return {
    event_id: o.eventId,
    store_id: o.storeId,
    event_time: o.eventTime,
    amount: o.amount,
    currency: o.currency,
    items: o.items,
    payment_method: o.paymentMethod,
    payment_outcome: o.paymentOutcome,
    country: o.country,
    channel: o.channel,
    source_topic: source.topic,
    source_partition: source.partition,
    source_offset: source.offset,
  };
}

/** Columns to SELECT to rebuild a SensorReading with `sensorReadingFromRow` (epoch ms, exact floats). */
export const SENSOR_READING_COLUMNS =
  'event_id, asset_id, asset_type, site, line, toUnixTimestamp64Milli(event_time) AS event_time_ms, seq, channels, quality, source_offset';

export function sensorReadingFromRow(row: Row): SensorReading {
  return {
    eventId: String(row.event_id),
    assetId: String(row.asset_id),
    assetType: String(row.asset_type),
    site: String(row.site),
    line: String(row.line),
    eventTime: Number(row.event_time_ms),
    seq: Number(row.seq),
    channels: row.channels as Record<string, number>,
    quality: row.quality as string[],
  };
}

export const ORDER_COLUMNS =
  'event_id, store_id, toUnixTimestamp64Milli(event_time) AS event_time_ms, amount, currency, items, payment_method, payment_outcome, country, channel, source_offset';

export function orderFromRow(row: Row): Order {
  return {
    eventId: String(row.event_id),
    storeId: String(row.store_id),
    eventTime: Number(row.event_time_ms),
    amount: Number(row.amount),
    currency: String(row.currency),
    items: Number(row.items),
    paymentMethod: String(row.payment_method),
    paymentOutcome: row.payment_outcome as Order['paymentOutcome'],
    country: String(row.country),
    channel: String(row.channel),
  };
}

export interface FeatureRowInput {
  readonly stream: string;
  readonly key: string;
  readonly eventId: string;
  readonly eventTime: number;
  readonly featureSet: string;
  readonly featureSetVersion: string;
  readonly features: Readonly<Record<string, number>>;
}

/**
 * A feature vector as a row: the values only, in the set's order (`vector`, sent as bytes: vectorBase64); the names
 * live once per feature set version in `feature_sets` (featureSetRows). Sending ~200 names per event as map keys
 * was most of the insert's cost. The map's key order is the set's feature order (core/scoring featureMap builds it
 * from featureNames).
 */
export function featureRow(f: FeatureRowInput, runId = ''): Row {
  return {
    stream: f.stream,
    key: f.key,
    event_id: f.eventId,
    event_time: f.eventTime,
    feature_set: f.featureSet,
    feature_set_version: f.featureSetVersion,
    vector_base64: vectorBase64(f),
    run_id: runId,
  };
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * A vector's values, in order, as the base64 of their little-endian Float64 bytes: what the tables' `vector`
 * column is computed from (clickhouse/0018; printing and parsing ~230 numbers per row as JSON text cost three times
 * the CPU). From the pipeline's vector when it has one (no name -> value map is built).
 */
export function vectorBase64(f: { readonly features: Readonly<Record<string, number>> }): string {
  const values = namedVectorOf(f)?.vector ?? Float64Array.from(Object.values(f.features));
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  const bytes = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i]!, i * 8);
  return bytes.toString('base64');
}

/**
 * The `feature_sets` rows (names in vector order) of the distinct set versions among `features`, with their ids;
 * versions whose id is in `known` are skipped (before their names are built: the API asks on every request).
 */
export function featureSetRows(
  features: readonly FeatureRowInput[],
  known: ReadonlySet<string> = new Set(),
): { id: string; row: Row }[] {
  const rows = new Map<string, Row>();
  for (const f of features) {
    const id = `${f.featureSet}\u0000${f.featureSetVersion}`;
    if (!rows.has(id) && !known.has(id)) {
      rows.set(id, {
        feature_set: f.featureSet,
        feature_set_version: f.featureSetVersion,
        names: namedVectorOf(f)?.names ?? Object.keys(f.features),
      });
    }
  }
  return [...rows].map(([id, row]) => ({ id, row }));
}

/**
 * SQL for the name -> value map of the arrays `names` and `values`. ClickHouse evaluates every branch of
 * `if`/`multiIf`, and mapFromArrays throws on arrays of different sizes (an old row's empty vector, a missing names
 * row): both arrays are cut to the shorter one (for a written row they are equal).
 */
function namedValues(names: string, values: string): string {
  const n = `least(length(${names}), length(${values}))`;
  return `mapFromArrays(arraySlice(${names}, 1, ${n}), arraySlice(${values}, 1, ${n}))`;
}

/**
 * SQL for the name -> value map of a features row `f` joined (LEFT) with its `feature_sets` row `s`
 * (FEATURE_SETS_JOIN). Rows written before vectors existed (migration 0015) carry their map in `f.features`.
 */
export const FEATURE_MAP_OF_ROW = `if(empty(f.vector), CAST(f.features, 'Map(String, Float64)'), ${namedValues('s.names', 'f.vector')})`;
export const FEATURE_SETS_JOIN =
  'LEFT JOIN feature_sets AS s FINAL ON s.feature_set = f.feature_set AND s.feature_set_version = f.feature_set_version';

export interface InferenceProvenance {
  readonly apiKeyId?: string;
  readonly requestId?: string;
  readonly runId?: string;
}

/**
 * Where an inference row's feature vector lives. `features-table`: the stream and replay write every vector once,
 * to the features table (same stream, key, event_id and run_id), and leave the inference's vector empty; a vector is
 * ~200 Float64 and writing it twice per event (more with shadow models) was most of the processor's insert time.
 * `inline`: in the inference row itself as values (`vector`, clickhouse/0017), for writers without a features table
 * row (API scores, evaluation), which write the names first (FeatureSetNames). Readers: FEATURES_OF_INFERENCE.
 */
export type InferenceVector = 'inline' | 'features-table';

export function inferenceRow(
  i: Inference,
  provenance: InferenceProvenance = {},
  vector: InferenceVector = 'inline',
): Row {
  const row: Record<string, unknown> = {
    inference_id: i.inferenceId,
    stream: i.stream,
    key: i.key,
    event_id: i.eventId,
    event_time: i.eventTime,
    scored_at: i.scoredAt,
    score: i.score,
    threshold: i.threshold,
    anomaly: i.anomaly,
    model_name: i.modelName,
    model_version: i.modelVersion,
    model_role: i.modelRole,
    feature_set: i.featureSet,
    feature_set_version: i.featureSetVersion,
    source_topic: i.sourceTopic,
    source_partition: i.sourcePartition,
    source_offset: i.sourceOffset === '' ? -1 : i.sourceOffset,
    api_key_id: provenance.apiKeyId ?? '',
    request_id: provenance.requestId ?? '',
    run_id: provenance.runId ?? '',
  };
  // The map's key order is the set's feature order (featureRow), so its values are the vector.
  if (vector === 'inline') row.vector_base64 = vectorBase64(i);
  return row;
}

/**
 * SQL for an inference's feature vector as a name -> value map, after `FROM inferences AS i FINAL
 * ${joinFeatures(...)}`: the inline vector, else the inline map of rows written before clickhouse/0017, else the
 * features table's vector (InferenceVector).
 */
export const FEATURES_OF_INFERENCE = `multiIf(notEmpty(i.vector), ${namedValues('si.names', 'i.vector')},
  notEmpty(i.features), CAST(i.features, 'Map(String, Float64)'), fv.feature_map)`;

/**
 * The LEFT JOINs that find the vector of `inferences AS i`: the names of an inline vector, and the features-table
 * vector; `where` narrows the features table (its primary key starts with stream and key) so that the join reads
 * no more than the inferences it serves.
 */
export function joinFeatures(where: string): string {
  return `LEFT JOIN feature_sets AS si FINAL
      ON si.feature_set = i.feature_set AND si.feature_set_version = i.feature_set_version
    LEFT JOIN (
      SELECT f.stream AS stream, f.key AS key, f.event_id AS event_id, f.run_id AS run_id,
             f.feature_set_version AS feature_set_version, ${FEATURE_MAP_OF_ROW} AS feature_map
      FROM features AS f FINAL ${FEATURE_SETS_JOIN}
      WHERE ${where}
    ) AS fv
    ON fv.stream = i.stream AND fv.key = i.key AND fv.event_id = i.event_id AND fv.run_id = i.run_id
       AND fv.feature_set_version = i.feature_set_version`;
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * The row version of an alert transition (ReplacingMergeTree(version) keeps the highest): an alert only opens,
 * escalates in severity, then closes, so (closed, severity) orders its transitions; a replay gives the same.
 */
export function alertVersion(a: Pick<Alert, 'state' | 'severity'>): number {
  return (a.state === 'closed' ? 10 : 1) + SEVERITY_RANK[a.severity];
}

export function alertRow(a: Alert, runId = ''): Row {
  return {
    alert_id: a.alertId,
    stream: a.stream,
    key: a.key,
    state: a.state,
    severity: a.severity,
    opened_at: a.openedAt,
    closed_at: a.closedAt,
    event_time: a.eventTime,
    score: a.score,
    model_name: a.modelName,
    model_version: a.modelVersion,
    contributors: a.contributors.map((c) => ({
      channel: c.channel,
      value: c.value,
      normal_low: c.normalLow,
      normal_high: c.normalHigh,
      z_score: c.zScore,
    })),
    run_id: runId,
    version: alertVersion(a),
  };
}

export function deadLetterRow(d: DeadLetter): Row {
  return {
    stream: d.stream,
    source_topic: d.sourceTopic,
    source_partition: d.sourcePartition,
    source_offset: d.sourceOffset,
    key_base64: d.key === null ? null : Buffer.from(d.key).toString('base64'),
    value_base64: d.value === null ? null : Buffer.from(d.value).toString('base64'),
    reason: d.reason,
    message: d.message,
    received_at: d.receivedAt,
  };
}
