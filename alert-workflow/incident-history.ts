/** Past alerts of one model (same asset type) with their verdicts and notes: the pool similar incidents come from. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Incident } from './similar-incidents.js';

export async function pastIncidents(
  ch: ClickHouse,
  q: { stream: string; modelName: string; before: number; limit?: number },
): Promise<Incident[]> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT a.alert_id AS alertId, a.key AS key, toUnixTimestamp64Milli(a.opened_at) AS openedAt,
            a.severity AS severity, a.contributors AS contributors,
            if(k.alert_id = '', NULL, k.verdict) AS verdict, if(k.alert_id = '', NULL, k.comment) AS comment,
            if(k.alert_id = '', NULL, k.action) AS action
     FROM (SELECT * FROM alerts FINAL WHERE stream = {stream:String} AND run_id = '' AND model_name = {model:String}
             AND opened_at < fromUnixTimestamp64Milli({before:Int64}, 'UTC')
           ORDER BY opened_at DESC LIMIT {limit:UInt32}) AS a
     LEFT JOIN (SELECT alert_id, verdict, comment, action FROM alert_acknowledgements FINAL) AS k
       ON k.alert_id = a.alert_id`,
    { stream: q.stream, model: q.modelName, before: q.before, limit: q.limit ?? 2_000 },
    { maxRows: q.limit ?? 2_000 },
  );
  return rows.map((r) => ({
    alertId: String(r.alertId),
    key: String(r.key),
    openedAt: Number(r.openedAt),
    severity: String(r.severity),
    contributors: (r.contributors as unknown[]).map((c) => {
      const t = (Array.isArray(c) ? c : Object.values(c as object)) as [string, number, number, number, number];
      return { channel: t[0], zScore: Number(t[4]) };
    }),
    verdict: r.verdict === null ? null : String(r.verdict),
    comment: r.comment === null ? null : String(r.comment),
    action: r.action === null ? null : String(r.action),
  }));
}
