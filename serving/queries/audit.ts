/** The API audit trail (api_audit, plain MergeTree: no FINAL) joined with key names for the audit page. */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';

export interface AuditView {
  at: number;
  apiKeyId: string;
  keyName: string;
  role: string;
  route: string;
  method: string;
  status: number;
  latencyMs: number;
  requestId: string;
  inferenceIds: string[];
}

export async function listAudit(
  ch: ClickHouse,
  f: { apiKeyId?: string; from: number; to: number; limit: number },
): Promise<AuditView[]> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT toUnixTimestamp64Milli(u.at) AS at, u.api_key_id AS apiKeyId, ifNull(k.name, '') AS keyName, u.role AS role,
       u.route AS route, u.method AS method, u.status AS status, u.latency_ms AS latencyMs,
       u.request_id AS requestId, u.inference_ids AS inferenceIds
     FROM (SELECT * FROM api_audit
           WHERE at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
           ${f.apiKeyId ? 'AND api_key_id = {key:String}' : ''}) AS u
     LEFT JOIN (SELECT id, name FROM api_keys FINAL) AS k ON k.id = u.api_key_id
     ORDER BY u.at DESC LIMIT {limit:UInt32} SETTINGS join_use_nulls = 1`,
    { from: f.from, to: f.to, key: f.apiKeyId ?? '', limit: f.limit },
    { maxRows: f.limit },
  );
  return rows.map((r) => ({
    ...(r as unknown as AuditView),
    at: Number(r.at),
    status: Number(r.status),
    latencyMs: Number(r.latencyMs),
  }));
}

/** Per model version and role over a time range: how many scores, the anomaly rate and mean score (shadow vs production). */
export async function modelComparison(ch: ClickHouse, modelName: string, from: number, to: number) {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT model_version AS version, model_role AS role, count() AS scores, avg(anomaly) AS anomalyRate,
       avg(score) AS meanScore
     FROM inferences FINAL
     WHERE model_name = {name:String} AND run_id = ''
       AND event_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND event_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
     GROUP BY model_version, model_role ORDER BY model_role, model_version`,
    { name: modelName, from, to },
  );
  return rows.map((r) => ({
    version: String(r.version),
    role: String(r.role),
    scores: Number(r.scores),
    anomalyRate: Number(r.anomalyRate),
    meanScore: Number(r.meanScore),
  }));
}
