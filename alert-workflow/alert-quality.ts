/**
 * Alert quality figures per asset (and per asset type through the model name): alerts per asset per day,
 * precision from operator verdicts (real_fault / (real_fault + false_alarm), among reviewed alerts only), median
 * time to acknowledge, and the lead time of alerts over ground-truth faults (fault end - alert open: how long
 * before the fault peaked people were told; negative = late). Suppressed alerts are counted apart.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';

export interface AssetQuality {
  readonly key: string;
  readonly subject: string;
  readonly alerts: number;
  readonly suppressed: number;
  readonly alertsPerDay: number;
  readonly reviewed: number;
  readonly realFaults: number;
  readonly falseAlarms: number;
  /** null without any verdict. */
  readonly precision: number | null;
  readonly medianTimeToAckMs: number | null;
  readonly medianLeadTimeMs: number | null;
}

export interface QualityReport {
  readonly stream: string;
  readonly from: number;
  readonly to: number;
  readonly assets: AssetQuality[];
  readonly bySubject: Omit<AssetQuality, 'key' | 'medianTimeToAckMs' | 'medianLeadTimeMs'>[];
}

interface Row {
  key: string;
  modelName: string;
  suppressed: boolean | number;
  openedAt: string;
  ackAt: string | null;
  verdict: string | null;
}

export interface FaultSpan {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export async function alertQuality(ch: ClickHouse, stream: string, from: number, to: number): Promise<QualityReport> {
  const rows = await ch.query<Row>(
    `SELECT a.key AS key, a.model_name AS modelName, a.suppressed AS suppressed,
            toUnixTimestamp64Milli(a.opened_at) AS openedAt,
            if(k.alert_id = '', NULL, toUnixTimestamp64Milli(k.ack_at)) AS ackAt,
            if(k.alert_id = '', NULL, k.verdict) AS verdict
     FROM (SELECT * FROM alerts FINAL WHERE stream = {stream:String} AND run_id = ''
             AND opened_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
             AND opened_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')) AS a
     LEFT JOIN (SELECT alert_id, ack_at, verdict FROM alert_acknowledgements FINAL) AS k ON k.alert_id = a.alert_id`,
    { stream, from, to },
    { maxRows: 200_000 },
  );
  const faults = await ch.query<{ key: string; start: string; end: string }>(
    `SELECT key, toUnixTimestamp64Milli(start_time) AS start, toUnixTimestamp64Milli(end_time) AS end
     FROM fault_ground_truth FINAL
     WHERE stream = {stream:String} AND start_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       AND end_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
    { stream, from, to },
    { maxRows: 200_000 },
  );
  return qualityFromRows(
    stream,
    from,
    to,
    rows,
    faults.map((f) => ({ key: f.key, start: Number(f.start), end: Number(f.end) })),
  );
}

/** Lead time of an alert: end of the ground-truth fault it opened within (fault end - alert open), if any. */
function leadTimeOf(r: Row, faults: readonly FaultSpan[]): number | null {
  const t = Number(r.openedAt);
  const f = faults.find((x) => x.key === r.key && t >= x.start && t <= x.end);
  return f === undefined ? null : f.end - t;
}

export function qualityFromRows(
  stream: string,
  from: number,
  to: number,
  rows: readonly Row[],
  faults: readonly FaultSpan[] = [],
): QualityReport {
  const days = Math.max((to - from) / 86_400_000, 1 / 24);
  const byKey = new Map<string, Row[]>();
  for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const subjectOf = (modelName: string) =>
    modelName.startsWith(`${stream}-`) ? modelName.slice(stream.length + 1) : modelName;
  const figures = (list: readonly Row[]) => {
    const live = list.filter((r) => !r.suppressed);
    const realFaults = live.filter((r) => r.verdict === 'real_fault').length;
    const falseAlarms = live.filter((r) => r.verdict === 'false_alarm').length;
    const reviewed = realFaults + falseAlarms;
    return {
      alerts: live.length,
      suppressed: list.length - live.length,
      alertsPerDay: live.length / days,
      reviewed,
      realFaults,
      falseAlarms,
      precision: reviewed === 0 ? null : realFaults / reviewed,
    };
  };
  const assets = [...byKey]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, list]) => {
      const live = list.filter((r) => !r.suppressed);
      return {
        key,
        subject: subjectOf(list[0]!.modelName),
        ...figures(list),
        medianTimeToAckMs: median(
          live.flatMap((r) => (r.ackAt === null ? [] : [Number(r.ackAt) - Number(r.openedAt)])),
        ),
        medianLeadTimeMs: median(live.flatMap((r) => leadTimeOf(r, faults) ?? [])),
      };
    });
  const bySubjectRows = new Map<string, Row[]>();
  for (const r of rows)
    bySubjectRows.set(subjectOf(r.modelName), [...(bySubjectRows.get(subjectOf(r.modelName)) ?? []), r]);
  const bySubject = [...bySubjectRows].map(([subject, list]) => {
    const f = figures(list);
    const assetCount = new Set(list.map((r) => r.key)).size;
    return { subject, ...f, alertsPerDay: f.alerts / days / assetCount };
  });
  return { stream, from, to, assets, bySubject };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
