/**
 * Loads what `thresholds suggest` learns from, per asset of one stream over a past period: stored production
 * scores (inferences FINAL, live rows only), operator verdicts (alert_acknowledgements real_fault / false_alarm on
 * the live alerts of the period) and ground truth (fault_ground_truth). When the stream has ground truth in the
 * period, its faults are taken as the complete list (simulated or imported runs label every fault).
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { AssetHistory, Interval, ScorePoint } from './threshold-suggestions.js';

export interface HistoryQuery {
  readonly stream: string;
  readonly from: number;
  readonly to: number;
  /** One asset only. */
  readonly key?: string;
  /** Restrict ground truth to one fault_ground_truth.run_id (a simulator run); default: all. */
  readonly groundTruthRunId?: string;
}

const PAGE = 10_000;

export async function loadAssetHistories(ch: ClickHouse, q: HistoryQuery): Promise<AssetHistory[]> {
  const base = { stream: q.stream, from: q.from, to: q.to, key: q.key ?? '' };
  const scores = new Map<string, { subject: string; threshold: number; points: ScorePoint[] }>();
  let cursor = { key: '', t: 0, id: '' };
  for (;;) {
    const rows = await ch.query<{
      key: string;
      modelName: string;
      t: string;
      id: string;
      score: number;
      threshold: number;
    }>(
      `SELECT key, model_name AS modelName, toUnixTimestamp64Milli(event_time) AS t, event_id AS id, score, threshold
       FROM inferences FINAL
       WHERE stream = {stream:String} AND run_id = '' AND model_role = 'production'
         AND event_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
         AND event_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
         AND ({key:String} = '' OR key = {key:String})
         AND (key, event_time, event_id) > ({ck:String}, fromUnixTimestamp64Milli({ct:Int64}, 'UTC'), {ci:String})
       ORDER BY key, event_time, event_id LIMIT {limit:UInt32}`,
      { ...base, ck: cursor.key, ct: cursor.t, ci: cursor.id, limit: PAGE },
      { maxRows: PAGE },
    );
    for (const r of rows) {
      let entry = scores.get(r.key);
      if (entry === undefined) {
        entry = { subject: subjectOf(r.modelName, q.stream), threshold: r.threshold, points: [] };
        scores.set(r.key, entry);
      }
      entry.threshold = Number(r.threshold);
      entry.points.push({ eventTime: Number(r.t), score: Number(r.score) });
    }
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    cursor = { key: last.key, t: Number(last.t), id: last.id };
  }

  const verdicts = await ch.query<{ key: string; start: string; end: string; verdict: string }>(
    `SELECT a.key AS key, toUnixTimestamp64Milli(a.opened_at) AS start,
            toUnixTimestamp64Milli(coalesce(a.closed_at, a.event_time)) AS end, k.verdict AS verdict
     FROM (SELECT * FROM alerts FINAL WHERE stream = {stream:String} AND run_id = ''
             AND opened_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
             AND opened_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
             AND ({key:String} = '' OR key = {key:String})) AS a
     INNER JOIN (SELECT alert_id, verdict FROM alert_acknowledgements FINAL
                 WHERE verdict IN ('real_fault', 'false_alarm')) AS k ON k.alert_id = a.alert_id`,
    base,
    { maxRows: 100_000 },
  );
  const truth = await ch.query<{ key: string; start: string; end: string }>(
    `SELECT key, toUnixTimestamp64Milli(start_time) AS start, toUnixTimestamp64Milli(end_time) AS end
     FROM fault_ground_truth FINAL
     WHERE stream = {stream:String} AND start_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       AND end_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       AND ({run:String} = '' OR run_id = {run:String})`,
    { ...base, run: q.groundTruthRunId ?? '' },
    { maxRows: 100_000 },
  );
  const exhaustive = truth.length > 0;
  const faults = groupIntervals([...truth, ...verdicts.filter((v) => v.verdict === 'real_fault')]);
  const falseAlarms = groupIntervals(verdicts.filter((v) => v.verdict === 'false_alarm'));
  return [...scores]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, s]) => ({
      key,
      subject: s.subject,
      currentThreshold: s.threshold,
      scores: s.points,
      faults: faults.get(key) ?? [],
      falseAlarms: falseAlarms.get(key) ?? [],
      exhaustiveFaults: exhaustive,
    }));
}

function subjectOf(modelName: string, stream: string): string {
  return modelName.startsWith(`${stream}-`) ? modelName.slice(stream.length + 1) : modelName;
}

function groupIntervals(rows: readonly { key: string; start: string; end: string }[]): Map<string, Interval[]> {
  const out = new Map<string, Interval[]>();
  for (const r of rows) {
    const list = out.get(r.key) ?? [];
    list.push({ start: Number(r.start), end: Number(r.end) });
    out.set(r.key, list);
  }
  return out;
}
