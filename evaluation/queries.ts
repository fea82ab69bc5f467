/**
 * The ClickHouse half of `vigil evaluate`: reads what the stream (or a replay run) stored and the ground truth,
 * reduced in SQL where the volume is (one row per scored reading): the point-wise tally is a GROUP BY, so only
 * counts, faults and alerts cross the wire. The maths on them is metrics.ts, shared with the simulated path.
 *
 * Point-wise classification = point-tally.ts: an ASOF LEFT JOIN picks, per reading, the latest fault of its key
 * that started at or before the reading; inside it → the fault's kind, within the grace after it → afterFault,
 * else (or no such fault: default row, kind '') → normal. Tables are read with FINAL (retries never count twice);
 * only production scores count (a shadow model is judged by `vigil models compare`).
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { evaluationError } from './errors.js';
import { type AlertSpan, emptyTally, type FaultSpan, type PointTally } from './types.js';

export interface StoredRunFilter {
  readonly stream: string;
  /** inferences.run_id / alerts.run_id: '' = the live stream, else a replay run. */
  readonly runId: string;
  /** Restricts ground truth to one fault_ground_truth.run_id; undefined = every ground-truth row of the stream. */
  readonly truthRunId?: string;
}

export interface StoredExtent {
  readonly from: number;
  /** Exclusive: one millisecond after the last scored event. */
  readonly to: number;
  readonly keys: string[];
}

const BIG = { maxRows: 5_000_000 };

/** Where the run has production scores in [from, to) (bounds optional), and which keys. */
export async function storedExtent(
  ch: ClickHouse,
  f: StoredRunFilter,
  from?: number,
  to?: number,
): Promise<StoredExtent> {
  const rows = await ch.query<{ key: string; first: string; last: string }>(
    `SELECT key, toString(toUnixTimestamp64Milli(min(event_time))) AS first,
            toString(toUnixTimestamp64Milli(max(event_time))) AS last
     FROM inferences FINAL
     WHERE stream = {stream:String} AND run_id = {runId:String} AND model_role = 'production'
       AND event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})
     GROUP BY key ORDER BY key`,
    { stream: f.stream, runId: f.runId, from: from ?? 0, to: to ?? 8_000_000_000_000 },
    BIG,
  );
  if (rows.length === 0) {
    const range = `${from === undefined ? 'the beginning' : new Date(from).toISOString()} .. ${to === undefined ? 'now' : new Date(to).toISOString()}`;
    throw evaluationError('VIGIL_EVALUATION_NO_DATA', { stream: f.stream, runId: f.runId, range });
  }
  return {
    from: from ?? Math.min(...rows.map((r) => Number(r.first))),
    to: to ?? Math.max(...rows.map((r) => Number(r.last))) + 1,
    keys: rows.map((r) => r.key),
  };
}

/** Production scores of the run in [from, to) counted by zone and fault kind (see the module comment). */
export async function storedPointTally(
  ch: ClickHouse,
  f: StoredRunFilter,
  from: number,
  to: number,
  graceMs: number,
): Promise<PointTally> {
  const rows = await ch.query<{ zone: string; kind: string; readings: string; flagged: string }>(
    `SELECT zone, kind, count() AS readings, countIf(anomaly) AS flagged
     FROM
     (
         SELECT i.anomaly AS anomaly,
                toUnixTimestamp64Milli(i.event_time) AS t,
                multiIf(f.kind = '', 'normal',
                        t <= toUnixTimestamp64Milli(f.end_time), 'fault',
                        t <= toUnixTimestamp64Milli(f.end_time) + {grace:Int64}, 'after',
                        'normal') AS zone,
                if(zone = 'fault', f.kind, '') AS kind
         FROM
         (
             SELECT key, event_time, anomaly FROM inferences FINAL
             WHERE stream = {stream:String} AND run_id = {runId:String} AND model_role = 'production'
               AND event_time >= fromUnixTimestamp64Milli({from:Int64})
               AND event_time < fromUnixTimestamp64Milli({to:Int64})
         ) AS i
         ASOF LEFT JOIN
         (
             SELECT key, kind, start_time, end_time FROM fault_ground_truth FINAL
             WHERE stream = {stream:String} AND ({truthRunId:String} = '*' OR run_id = {truthRunId:String})
         ) AS f
         ON i.key = f.key AND i.event_time >= f.start_time
     )
     GROUP BY zone, kind`,
    { ...params(f), from, to, grace: graceMs },
  );
  const tally = emptyTally();
  for (const r of rows) {
    const count = { readings: Number(r.readings), flagged: Number(r.flagged) };
    if (r.zone === 'fault') tally.faults.set(r.kind, count);
    else Object.assign(r.zone === 'after' ? tally.afterFault : tally.normal, count);
  }
  return tally;
}

/** Ground-truth faults of `keys` starting in [from, to). */
export async function storedFaults(
  ch: ClickHouse,
  f: StoredRunFilter,
  keys: readonly string[],
  from: number,
  to: number,
): Promise<FaultSpan[]> {
  const rows = await ch.query<{ key: string; kind: string; start: string; end: string }>(
    `SELECT key, kind, toString(toUnixTimestamp64Milli(start_time)) AS start,
            toString(toUnixTimestamp64Milli(end_time)) AS end
     FROM fault_ground_truth FINAL
     WHERE stream = {stream:String} AND ({truthRunId:String} = '*' OR run_id = {truthRunId:String})
       AND has({keys:Array(String)}, key)
       AND start_time >= fromUnixTimestamp64Milli({from:Int64}) AND start_time < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY key, start_time`,
    { ...params(f), keys, from, to },
    BIG,
  );
  return rows.map((r) => ({ key: r.key, kind: r.kind, start: Number(r.start), end: Number(r.end) }));
}

/** Alerts of the run opened in [from, to) (callers widen the range by the grace to match faults near its edges). */
export async function storedAlerts(ch: ClickHouse, f: StoredRunFilter, from: number, to: number): Promise<AlertSpan[]> {
  const rows = await ch.query<{ key: string; opened: string; closed: string | null }>(
    `SELECT key, toString(toUnixTimestamp64Milli(opened_at)) AS opened,
            if(closed_at IS NULL, NULL, toString(toUnixTimestamp64Milli(assumeNotNull(closed_at)))) AS closed
     FROM alerts FINAL
     WHERE stream = {stream:String} AND run_id = {runId:String}
       AND opened_at >= fromUnixTimestamp64Milli({from:Int64}) AND opened_at < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY key, opened_at`,
    { ...params(f), from, to },
    BIG,
  );
  return rows.map((r) => ({
    key: r.key,
    openedAt: Number(r.opened),
    closedAt: r.closed === null ? null : Number(r.closed),
  }));
}

function params(f: StoredRunFilter) {
  return { stream: f.stream, runId: f.runId, truthRunId: f.truthRunId ?? '*' };
}
