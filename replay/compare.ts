/**
 * `vigil replay compare A B`: two runs (replay run ids, or `live` for the stream's own rows) over the range of
 * the replay run(s): row counts, feature vectors that are identical bit for bit, score differences on the
 * events both scored with the same model name, anomaly flags that flip, and alerts only one of them raised
 * (matched by key and opening time, since replayed alerts carry ids of their own).
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { ReplayCheckpoints } from './checkpoints.js';
import { replayError } from './errors.js';

export interface CompareSide {
  readonly name: string;
  /** The run_id column value ('' for live). */
  readonly runId: string;
  readonly features: number;
  readonly inferences: number;
  readonly alerts: number;
}

export interface AlertRef {
  readonly key: string;
  readonly openedAt: number;
  readonly severity: string;
  readonly modelVersion: string;
}

export interface Comparison {
  readonly stream: string;
  readonly from: number;
  readonly to: number;
  readonly a: CompareSide;
  readonly b: CompareSide;
  readonly features: { readonly matched: number; readonly identical: number; readonly maxAbsDiff: number };
  readonly scores: {
    readonly matched: number;
    readonly onlyA: number;
    readonly onlyB: number;
    readonly maxAbsDiff: number;
    readonly meanAbsDiff: number;
    readonly anomalyFlips: number;
  };
  readonly alertsOnlyA: { readonly count: number; readonly sample: AlertRef[] };
  readonly alertsOnlyB: { readonly count: number; readonly sample: AlertRef[] };
}

const SAMPLE = 20;
const range = `event_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND event_time < fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;

export async function compareRuns(ch: ClickHouse, nameA: string, nameB: string): Promise<Comparison> {
  const checkpoints = new ReplayCheckpoints(ch);
  const lookup = async (name: string) => {
    if (name === 'live') return undefined;
    const run = await checkpoints.run(name);
    if (run === undefined) {
      throw replayError('VIGIL_REPLAY_UNKNOWN_RUN', {
        runId: name,
        known: (await checkpoints.runIds()).join(', ') || 'none',
      });
    }
    return run;
  };
  const [runA, runB] = [await lookup(nameA), await lookup(nameB)];
  const defining = runA ?? runB;
  if (defining === undefined) {
    throw replayError('VIGIL_REPLAY_BAD_OPTION', {
      option: 'compare',
      detail: 'at least one side must be a replay run id (its stream and range define what is compared)',
    });
  }
  const { stream, from, to } = defining;
  const keys = (JSON.parse(defining.params) as { keys: string[] | null }).keys;
  const a = nameA === 'live' ? '' : nameA;
  const b = nameB === 'live' ? '' : nameB;
  const keyFilter = keys === null ? '' : 'AND key IN {keys:Array(String)}';
  const params = { stream, from, to, a, b, keys: keys ?? [] };
  const where = `stream = {stream:String} AND ${range} ${keyFilter}`;

  const counts = async (table: string, extra = '') => {
    const rows = await ch.query<{ run_id: string; n: string }>(
      `SELECT run_id, count() AS n FROM ${table} FINAL WHERE ${where} ${extra}
         AND run_id IN ({a:String}, {b:String}) GROUP BY run_id`,
      params,
    );
    const of = (id: string) => Number(rows.find((r) => r.run_id === id)?.n ?? 0);
    return [of(a), of(b)] as const;
  };
  const [fa, fb] = await counts('features');
  const [ia, ib] = await counts('inferences', "AND model_role = 'production'");
  // Alerts opened in the range (a replayed alert that opened during the warm-up is left out on both sides).
  const alertWhere = `stream = {stream:String} AND opened_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
    AND opened_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC') ${keyFilter}`;
  const alertCounts = await ch.query<{ run_id: string; n: string }>(
    `SELECT run_id, count() AS n FROM alerts FINAL WHERE ${alertWhere} AND run_id IN ({a:String}, {b:String}) GROUP BY run_id`,
    params,
  );
  const alertsOf = (id: string) => Number(alertCounts.find((r) => r.run_id === id)?.n ?? 0);

  const side = (run: string) =>
    `SELECT key, event_id, feature_set, feature_set_version, if(empty(vector), mapValues(features), vector) AS values
     FROM features FINAL WHERE ${where} AND run_id = {${run}:String}`;
  // Vectors of the same feature set version are comparable value by value (same names, same order).
  const [features] = await ch.query<Record<string, string | number>>(
    `SELECT count() AS matched, countIf(toString(x.values) = toString(y.values)) AS identical,
            max(arrayMax(arrayMap((p, q) -> abs(p - q), x.values, y.values))) AS max_abs
     FROM (${side('a')}) AS x INNER JOIN (${side('b')}) AS y USING (key, event_id, feature_set, feature_set_version)`,
    params,
  );
  const scored = (run: string) =>
    `SELECT key, event_id, model_name, score, anomaly FROM inferences FINAL
     WHERE ${where} AND model_role = 'production' AND run_id = {${run}:String}`;
  const [scores] = await ch.query<Record<string, string | number>>(
    `SELECT count() AS matched, max(abs(x.score - y.score)) AS max_abs, avg(abs(x.score - y.score)) AS mean_abs,
            countIf(x.anomaly != y.anomaly) AS flips
     FROM (${scored('a')}) AS x INNER JOIN (${scored('b')}) AS y USING (key, event_id, model_name)`,
    params,
  );
  const onlyAlerts = async (mine: string, other: string) => {
    const sql = `SELECT key, toString(toUnixTimestamp64Milli(opened_at)) AS opened, severity, model_version
      FROM alerts FINAL WHERE ${alertWhere} AND run_id = {${mine}:String}
        AND (key, opened_at) NOT IN (SELECT key, opened_at FROM alerts FINAL WHERE ${alertWhere} AND run_id = {${other}:String})
      ORDER BY opened_at, key`;
    const rows = await ch.query<Record<string, string>>(sql, params, { maxRows: 1_000_000 });
    return {
      count: rows.length,
      sample: rows.slice(0, SAMPLE).map((r) => ({
        key: String(r.key),
        openedAt: Number(r.opened),
        severity: String(r.severity),
        modelVersion: String(r.model_version),
      })),
    };
  };
  const matched = Number(scores?.matched ?? 0);
  return {
    stream,
    from,
    to,
    a: { name: nameA, runId: a, features: fa, inferences: ia, alerts: alertsOf(a) },
    b: { name: nameB, runId: b, features: fb, inferences: ib, alerts: alertsOf(b) },
    features: {
      matched: Number(features?.matched ?? 0),
      identical: Number(features?.identical ?? 0),
      maxAbsDiff: Number(features?.max_abs ?? 0),
    },
    scores: {
      matched,
      onlyA: ia - matched,
      onlyB: ib - matched,
      maxAbsDiff: matched > 0 ? Number(scores?.max_abs) : 0,
      meanAbsDiff: matched > 0 ? Number(scores?.mean_abs) : 0,
      anomalyFlips: Number(scores?.flips ?? 0),
    },
    alertsOnlyA: await onlyAlerts('a', 'b'),
    alertsOnlyB: await onlyAlerts('b', 'a'),
  };
}

/** The comparison as text for the terminal. */
export function formatComparison(c: Comparison): string {
  const t = (ms: number) => new Date(ms).toISOString();
  const lines = [
    `${c.stream} ${t(c.from)} .. ${t(c.to)}: ${c.a.name} (A) vs ${c.b.name} (B)`,
    `rows         A: ${c.a.features} features, ${c.a.inferences} inferences, ${c.a.alerts} alerts`,
    `             B: ${c.b.features} features, ${c.b.inferences} inferences, ${c.b.alerts} alerts`,
    `features     ${c.features.identical}/${c.features.matched} vectors identical bit for bit; max abs difference ${c.features.maxAbsDiff}`,
    `scores       ${c.scores.matched} events scored by both (${c.scores.onlyA} only in A, ${c.scores.onlyB} only in B); ` +
      `max abs difference ${c.scores.maxAbsDiff}, mean ${c.scores.meanAbsDiff}; anomaly flag differs on ${c.scores.anomalyFlips}`,
    `alerts       ${c.alertsOnlyA.count} only in A, ${c.alertsOnlyB.count} only in B`,
  ];
  for (const [label, list] of [
    ['A', c.alertsOnlyA],
    ['B', c.alertsOnlyB],
  ] as const) {
    for (const alert of list.sample) {
      lines.push(
        `  only ${label}: ${alert.key} opened ${t(alert.openedAt)} ${alert.severity} (model ${alert.modelVersion})`,
      );
    }
    if (list.count > list.sample.length) lines.push(`  only ${label}: ... ${list.count - list.sample.length} more`);
  }
  return `${lines.join('\n')}\n`;
}
