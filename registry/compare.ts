/**
 * `vigil models compare <name>`: production vs shadow on the same events, from what the stream stored
 * (inferences FINAL, live rows only: run_id ''). Pairs are joined on (stream, key, event_id), so only events both
 * versions scored count. Shadow rows are those of the current shadow version.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';

export interface ShadowComparison {
  readonly name: string;
  readonly shadowVersion: string;
  readonly productionVersions: string[];
  /** Events scored by both. */
  readonly events: number;
  /** Share of those events on which both raised (or both did not raise) the anomaly flag; null without events. */
  readonly agreement: number | null;
  /** Pearson correlation of the two scores; null when undefined (fewer than 2 events or a constant score). */
  readonly scoreCorrelation: number | null;
  readonly productionAnomalies: number;
  readonly shadowAnomalies: number;
  readonly bothAnomalies: number;
  readonly from: number | null;
  readonly to: number | null;
}

interface Row {
  events: string;
  agree: string;
  correlation: number | null;
  prod: string;
  shadow: string;
  both: string;
  versions: string[];
  t0: string | null;
  t1: string | null;
}

export async function compareShadow(
  ch: ClickHouse,
  name: string,
  shadowVersion: string,
  since?: number,
): Promise<ShadowComparison> {
  const time = since === undefined ? '' : 'AND event_time >= fromUnixTimestamp64Milli({since:Int64})';
  const [r] = await ch.query<Row>(
    `SELECT count() AS events,
            countIf(p.anomaly = s.anomaly) AS agree,
            if(count() < 2, NULL, corr(p.score, s.score)) AS correlation,
            countIf(p.anomaly) AS prod,
            countIf(s.anomaly) AS shadow,
            countIf(p.anomaly AND s.anomaly) AS both,
            groupUniqArray(p.model_version) AS versions,
            if(count() = 0, NULL, toUnixTimestamp64Milli(min(p.event_time))) AS t0,
            if(count() = 0, NULL, toUnixTimestamp64Milli(max(p.event_time))) AS t1
     FROM (SELECT stream, key, event_id, event_time, score, anomaly, model_version FROM inferences FINAL
           WHERE model_name = {name:String} AND model_role = 'production' AND run_id = '' ${time}) AS p
     INNER JOIN
          (SELECT stream, key, event_id, score, anomaly FROM inferences FINAL
           WHERE model_name = {name:String} AND model_role = 'shadow' AND model_version = {shadow:String}
             AND run_id = '' ${time}) AS s
     USING (stream, key, event_id)`,
    { name, shadow: shadowVersion, ...(since === undefined ? {} : { since }) },
  );
  const events = Number(r?.events ?? 0);
  const correlation = r?.correlation;
  return {
    name,
    shadowVersion,
    productionVersions: [...(r?.versions ?? [])].sort(),
    events,
    agreement: events === 0 ? null : Number(r!.agree) / events,
    scoreCorrelation: typeof correlation === 'number' && Number.isFinite(correlation) ? correlation : null,
    productionAnomalies: Number(r?.prod ?? 0),
    shadowAnomalies: Number(r?.shadow ?? 0),
    bothAnomalies: Number(r?.both ?? 0),
    from: r?.t0 == null ? null : Number(r.t0),
    to: r?.t1 == null ? null : Number(r.t1),
  };
}
