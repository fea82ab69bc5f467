/**
 * ClickHouse side of operator-annotations.ts: the maintenance windows and the alert verdicts of a stream that
 * overlap an export's range. Verdicts are the latest acknowledgement of each live alert (run_id '') that says
 * real_fault or false_alarm; suppressed alerts count too (a person judged them all the same).
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { MaintenanceSpan, OperatorAnnotations, Verdict, VerdictSpan } from './operator-annotations.js';

/** Both, as ExportRequest.annotations wants them; `verdicts: false` leaves verdicts out. */
export async function readOperatorAnnotations(
  ch: ClickHouse,
  stream: string,
  from: number,
  to: number,
  options: { readonly verdicts: boolean },
): Promise<OperatorAnnotations> {
  return {
    maintenance: await readMaintenanceSpans(ch, stream, from, to),
    verdicts: options.verdicts ? await readVerdictSpans(ch, stream, from, to) : [],
  };
}

export async function readMaintenanceSpans(
  ch: ClickHouse,
  stream: string,
  from: number,
  to: number,
): Promise<MaintenanceSpan[]> {
  const rows = await ch.query<{ key: string; s: string; e: string }>(
    `SELECT key, toUnixTimestamp64Milli(starts_at) AS s, toUnixTimestamp64Milli(ends_at) AS e
     FROM maintenance_windows FINAL
     WHERE stream = {stream:String}
       AND ends_at >= fromUnixTimestamp64Milli({from:Int64}) AND starts_at < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY key, starts_at`,
    { stream, from, to },
    { maxRows: 1_000_000 },
  );
  return rows.map((r) => ({ key: r.key, start: Number(r.s), end: Number(r.e) }));
}

export async function readVerdictSpans(
  ch: ClickHouse,
  stream: string,
  from: number,
  to: number,
): Promise<VerdictSpan[]> {
  const rows = await ch.query<{ key: string; verdict: Verdict; s: string; e: string | null }>(
    `SELECT a.key AS key, k.verdict AS verdict, toUnixTimestamp64Milli(a.opened_at) AS s,
            if(a.closed_at IS NULL, NULL, toUnixTimestamp64Milli(a.closed_at)) AS e
     FROM (SELECT alert_id, key, opened_at, closed_at FROM alerts FINAL
           WHERE stream = {stream:String} AND run_id = '' AND opened_at < fromUnixTimestamp64Milli({to:Int64})
             AND (closed_at IS NULL OR closed_at >= fromUnixTimestamp64Milli({from:Int64}))) AS a
     INNER JOIN (SELECT alert_id, verdict FROM alert_acknowledgements FINAL
                 WHERE verdict IN ('real_fault', 'false_alarm')) AS k ON k.alert_id = a.alert_id
     ORDER BY key, s`,
    { stream, from, to },
    { maxRows: 1_000_000 },
  );
  return rows.map((r) => ({
    key: r.key,
    verdict: r.verdict,
    start: Number(r.s),
    end: r.e === null ? null : Number(r.e),
  }));
}
