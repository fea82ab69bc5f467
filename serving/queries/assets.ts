/** The plant overview (latest state per asset) and one asset's time series, for the UI and API. */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';

export interface AssetView {
  assetId: string;
  assetType: string;
  site: string;
  line: string;
  lastSeen: number;
  openAlerts: number;
  worstSeverity: string;
  lastScore: number | null;
  threshold: number | null;
  recentScores: number[];
}

/** Assets that reported within `sinceMs` before `now`. */
export async function listAssets(ch: ClickHouse, now: number, sinceMs: number): Promise<AssetView[]> {
  const rows = await ch.query<Record<string, unknown>>(
    `WITH
      r AS (SELECT asset_id, any(asset_type) AS asset_type, any(site) AS site, any(line) AS line,
              toUnixTimestamp64Milli(max(event_time)) AS last_seen
            FROM sensor_readings
            WHERE event_time >= fromUnixTimestamp64Milli({since:Int64}, 'UTC') GROUP BY asset_id),
      a AS (SELECT key, countIf(state = 'open') AS open_alerts,
              multiIf(countIf(state = 'open' AND severity = 'critical') > 0, 'critical',
                      countIf(state = 'open' AND severity = 'high') > 0, 'high',
                      countIf(state = 'open' AND severity = 'medium') > 0, 'medium',
                      countIf(state = 'open') > 0, 'low', '') AS worst
            FROM alerts FINAL WHERE stream = 'sensors' AND run_id = '' GROUP BY key),
      s AS (SELECT key, arraySlice(arrayMap(t -> t.2, arraySort(t -> t.1, groupArray((event_time, score)))), -60) AS scores,
              argMax(score, event_time) AS last_score, argMax(threshold, event_time) AS thr
            FROM inferences FINAL
            WHERE stream = 'sensors' AND run_id = '' AND model_role = 'production'
              AND event_time >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')
            GROUP BY key)
    SELECT r.asset_id AS assetId, r.asset_type AS assetType, r.site AS site, r.line AS line, r.last_seen AS lastSeen,
      ifNull(a.open_alerts, 0) AS openAlerts, ifNull(a.worst, '') AS worstSeverity,
      s.last_score AS lastScore, s.thr AS threshold, ifNull(s.scores, []) AS recentScores
    FROM r LEFT JOIN a ON a.key = r.asset_id LEFT JOIN s ON s.key = r.asset_id
    ORDER BY r.asset_id SETTINGS join_use_nulls = 1`,
    { since: now - sinceMs },
  );
  return rows.map((r) => ({
    assetId: String(r.assetId),
    assetType: String(r.assetType),
    site: String(r.site),
    line: String(r.line),
    lastSeen: Number(r.lastSeen),
    openAlerts: Number(r.openAlerts),
    worstSeverity: String(r.worstSeverity),
    lastScore: r.lastScore === null ? null : Number(r.lastScore),
    threshold: r.threshold === null ? null : Number(r.threshold),
    recentScores: (r.recentScores as number[]) ?? [],
  }));
}

export interface AssetSeries {
  assetId: string;
  readings: { t: number; channels: Record<string, number> }[];
  scores: { t: number; score: number; threshold: number; anomaly: boolean }[];
}

export async function assetSeries(
  ch: ClickHouse,
  assetId: string,
  from: number,
  to: number,
  limit: number,
): Promise<AssetSeries> {
  const params = { key: assetId, from, to, limit };
  const range = `event_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
    AND event_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;
  const [readings, scores] = await Promise.all([
    ch.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp64Milli(event_time) AS t, channels FROM sensor_readings FINAL
       WHERE asset_id = {key:String} AND ${range} ORDER BY event_time LIMIT {limit:UInt32}`,
      params,
      { maxRows: limit },
    ),
    ch.query<Record<string, unknown>>(
      `SELECT toUnixTimestamp64Milli(event_time) AS t, score, threshold, anomaly FROM inferences FINAL
       WHERE stream = 'sensors' AND key = {key:String} AND run_id = '' AND model_role = 'production' AND ${range}
       ORDER BY event_time LIMIT {limit:UInt32}`,
      params,
      { maxRows: limit },
    ),
  ]);
  return {
    assetId,
    readings: readings.map((r) => ({ t: Number(r.t), channels: r.channels as Record<string, number> })),
    scores: scores.map((s) => ({
      t: Number(s.t),
      score: Number(s.score),
      threshold: Number(s.threshold),
      anomaly: s.anomaly === true || s.anomaly === 1,
    })),
  };
}
