/**
 * Alerts as people see them: the latest state of each alert (alerts FINAL) with the latest acknowledgement or
 * resolution by a person (alert_acknowledgements FINAL, action column from clickhouse/0010). Written here rather
 * than through the alerts_current view because the view predates the action column.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';

export const VERDICTS = ['real_fault', 'false_alarm'] as const;
export type Verdict = (typeof VERDICTS)[number];
export type AckAction = 'acknowledged' | 'resolved';

export interface AlertView {
  alertId: string;
  stream: string;
  key: string;
  state: string;
  severity: string;
  openedAt: number;
  closedAt: number | null;
  eventTime: number;
  score: number;
  modelName: string;
  modelVersion: string;
  contributors: { channel: string; value: number; normalLow: number; normalHigh: number; zScore: number }[];
  version: number;
  updatedAt: number;
  ack: { action: string; by: string; at: number; verdict: string; comment: string } | null;
}

const SELECT = `SELECT a.alert_id AS alertId, a.stream AS stream, a.key AS key, a.state AS state, a.severity AS severity,
  toUnixTimestamp64Milli(a.opened_at) AS openedAt, toUnixTimestamp64Milli(a.closed_at) AS closedAt,
  toUnixTimestamp64Milli(a.event_time) AS eventTime, a.score AS score, a.model_name AS modelName,
  a.model_version AS modelVersion, a.contributors AS contributors, a.version AS version,
  toUnixTimestamp64Milli(a.updated_at) AS updatedAt,
  k.action AS ackAction, k.ack_by AS ackBy, toUnixTimestamp64Milli(k.ack_at) AS ackAt, k.verdict AS verdict,
  k.comment AS comment
FROM (SELECT * FROM alerts FINAL WHERE run_id = '') AS a
LEFT JOIN (SELECT alert_id, action, ack_by, ack_at, verdict, comment FROM alert_acknowledgements FINAL) AS k
  ON k.alert_id = a.alert_id`;

function toView(r: Record<string, unknown>): AlertView {
  const contributors = (r.contributors as unknown[]).map((c) => {
    const t = (Array.isArray(c) ? c : Object.values(c as object)) as [string, number, number, number, number];
    return { channel: t[0], value: t[1], normalLow: t[2], normalHigh: t[3], zScore: t[4] };
  });
  return {
    alertId: String(r.alertId),
    stream: String(r.stream),
    key: String(r.key),
    state: String(r.state),
    severity: String(r.severity),
    openedAt: Number(r.openedAt),
    closedAt: r.closedAt === null ? null : Number(r.closedAt),
    eventTime: Number(r.eventTime),
    score: Number(r.score),
    modelName: String(r.modelName),
    modelVersion: String(r.modelVersion),
    contributors,
    version: Number(r.version),
    updatedAt: Number(r.updatedAt),
    ack:
      r.ackAt === null || r.ackAt === undefined
        ? null
        : {
            action: String(r.ackAction),
            by: String(r.ackBy),
            at: Number(r.ackAt),
            verdict: String(r.verdict),
            comment: String(r.comment),
          },
  };
}

export interface AlertFilter {
  readonly assetId?: string;
  readonly state?: string;
  readonly severity?: string;
  readonly limit: number;
}

export async function listAlerts(ch: ClickHouse, f: AlertFilter): Promise<AlertView[]> {
  const where = [
    f.assetId ? 'a.key = {assetId:String}' : '',
    f.state ? 'a.state = {state:String}' : '',
    f.severity ? 'a.severity = {severity:String}' : '',
  ].filter(Boolean);
  const rows = await ch.query<Record<string, unknown>>(
    `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY a.opened_at DESC, a.alert_id LIMIT {limit:UInt32} SETTINGS join_use_nulls = 1`,
    { assetId: f.assetId ?? '', state: f.state ?? '', severity: f.severity ?? '', limit: f.limit },
    { maxRows: f.limit },
  );
  return rows.map(toView);
}

export async function getAlert(ch: ClickHouse, alertId: string): Promise<AlertView | undefined> {
  const rows = await ch.query<Record<string, unknown>>(
    `${SELECT} WHERE a.alert_id = {id:String} LIMIT 1 SETTINGS join_use_nulls = 1`,
    { id: alertId },
  );
  return rows[0] && toView(rows[0]);
}

/** Alerts written or acknowledged after `since` (ms), oldest first: what the live feed pushes. */
export async function alertsChangedSince(ch: ClickHouse, since: number, limit = 500): Promise<AlertView[]> {
  const rows = await ch.query<Record<string, unknown>>(
    `${SELECT} WHERE a.updated_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
       OR k.ack_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
     ORDER BY greatest(a.updated_at, ifNull(k.ack_at, a.updated_at)) LIMIT {limit:UInt32} SETTINGS join_use_nulls = 1`,
    { since, limit },
    { maxRows: limit },
  );
  return rows.map(toView);
}

export async function recordAcknowledgement(
  ch: ClickHouse,
  alert: AlertView,
  ack: { action: AckAction; by: string; at: number; verdict: Verdict; comment: string },
): Promise<void> {
  await ch.insertRows('alert_acknowledgements', [
    {
      alert_id: alert.alertId,
      stream: alert.stream,
      key: alert.key,
      ack_by: ack.by,
      ack_at: ack.at,
      verdict: ack.verdict,
      comment: ack.comment,
      action: ack.action,
    },
  ]);
}
