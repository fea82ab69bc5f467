/** Reads of the inferences table (FINAL: each inference once), and the full trace of one inference. */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { FEATURES_OF_INFERENCE, joinFeatures } from '../../adapters/clickhouse/rows.js';

export interface InferenceView {
  inferenceId: string;
  stream: string;
  key: string;
  eventId: string;
  eventTime: number;
  scoredAt: number;
  score: number;
  threshold: number;
  anomaly: boolean;
  modelName: string;
  modelVersion: string;
  modelRole: string;
  featureSet: string;
  featureSetVersion: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  apiKeyId: string;
  requestId: string;
  runId: string;
  features?: Record<string, number>;
}

const COLUMNS = `inference_id AS inferenceId, stream, key, event_id AS eventId,
  toUnixTimestamp64Milli(event_time) AS eventTime, toUnixTimestamp64Milli(scored_at) AS scoredAt, score, threshold,
  anomaly, model_name AS modelName, model_version AS modelVersion, model_role AS modelRole,
  feature_set AS featureSet, feature_set_version AS featureSetVersion, source_topic AS sourceTopic,
  source_partition AS sourcePartition, toString(source_offset) AS sourceOffset, api_key_id AS apiKeyId,
  request_id AS requestId, run_id AS runId`;

function normalise(row: Record<string, unknown>): InferenceView {
  return {
    ...(row as unknown as InferenceView),
    eventTime: Number(row.eventTime),
    scoredAt: Number(row.scoredAt),
    anomaly: row.anomaly === true || row.anomaly === 1,
  };
}

export interface InferenceFilter {
  readonly assetId: string;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** 'stream' (default): the live stream's rows; 'api': rows scored through the API; 'all'. */
  readonly source: 'stream' | 'api' | 'all';
  readonly role?: string;
}

export async function listInferences(ch: ClickHouse, f: InferenceFilter): Promise<InferenceView[]> {
  const source = f.source === 'stream' ? "AND run_id = ''" : f.source === 'api' ? "AND startsWith(run_id, 'api:')" : '';
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM inferences FINAL
     WHERE stream = 'sensors' AND key = {key:String}
       AND event_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       AND event_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC') ${source}
       ${f.role ? 'AND model_role = {role:String}' : ''}
     ORDER BY event_time, event_id, model_role LIMIT {limit:UInt32}`,
    { key: f.assetId, from: f.from, to: f.to, limit: f.limit, role: f.role ?? '' },
    { maxRows: f.limit },
  );
  return rows.map(normalise);
}

export interface InferenceTrace {
  inference: InferenceView & { features: Record<string, number> };
  /** The raw reading the inference scored, when the stream stored it (API-scored readings are not stored). */
  event: {
    eventId: string;
    assetId: string;
    assetType: string;
    eventTime: number;
    channels: Record<string, number>;
    quality: string[];
  } | null;
  apiKey: { id: string; name: string; role: string } | null;
}

export async function inferenceTrace(ch: ClickHouse, inferenceId: string): Promise<InferenceTrace | undefined> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM inferences FINAL WHERE inference_id = {id:String} LIMIT 1`,
    { id: inferenceId },
  );
  if (rows[0] === undefined) return undefined;
  const view = normalise(rows[0]);
  const inference = { ...view, features: await vectorOf(ch, view) };
  const events = await ch.query<Record<string, unknown>>(
    `SELECT event_id AS eventId, asset_id AS assetId, asset_type AS assetType,
       toUnixTimestamp64Milli(event_time) AS eventTime, channels, quality
     FROM sensor_readings FINAL
     WHERE asset_id = {key:String} AND event_time = fromUnixTimestamp64Milli({t:Int64}, 'UTC') AND event_id = {e:String}
     LIMIT 1`,
    { key: inference.key, t: inference.eventTime, e: inference.eventId },
  );
  const ev = events[0];
  let apiKey: InferenceTrace['apiKey'] = null;
  if (inference.apiKeyId !== '') {
    const keys = await ch.query<{ id: string; name: string; role: string }>(
      'SELECT id, name, role FROM api_keys FINAL WHERE id = {id:String} LIMIT 1',
      { id: inference.apiKeyId },
    );
    apiKey = keys[0] ?? { id: inference.apiKeyId, name: '', role: '' };
  }
  return {
    inference,
    event: ev
      ? {
          eventId: String(ev.eventId),
          assetId: String(ev.assetId),
          assetType: String(ev.assetType),
          eventTime: Number(ev.eventTime),
          channels: ev.channels as Record<string, number>,
          quality: ev.quality as string[],
        }
      : null,
    apiKey,
  };
}

/**
 * The inference's feature vector, named, wherever it lives (inline values, an inline map from before
 * clickhouse/0017, or the features table's row): the shared SQL of rows.ts, as the drift job reads it. The join
 * reads only this event's features rows.
 */
async function vectorOf(ch: ClickHouse, i: InferenceView): Promise<Record<string, number>> {
  const rows = await ch.query<{ features: Record<string, number> }>(
    `SELECT ${FEATURES_OF_INFERENCE} AS features
     FROM inferences AS i FINAL
     ${joinFeatures(`f.stream = {stream:String} AND f.key = {key:String} AND f.run_id = {run:String}
       AND f.event_time = fromUnixTimestamp64Milli({t:Int64}, 'UTC') AND f.event_id = {e:String}`)}
     WHERE i.inference_id = {id:String}
     LIMIT 1`,
    { id: i.inferenceId, stream: i.stream, key: i.key, run: i.runId, t: i.eventTime, e: i.eventId },
  );
  return rows[0]?.features ?? {};
}
