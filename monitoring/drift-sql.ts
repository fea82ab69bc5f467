/**
 * The drift query (pure text + parameters): in one pass over the production model's live inferences of a window,
 * bucket every target's values by the card's edges, then compute PSI and the Jensen-Shannon distance against the
 * card's reference counts, all in ClickHouse. drift-math.ts is the same maths in TypeScript (unit-tested by hand).
 *
 * Inferences are read, each with the exact vector the production model saw (inline, or the features table's row of
 * the same event, see adapters/clickhouse/rows.ts), so that features, score and alert rate come from the same rows.
 * Only the live stream (run_id '') of the production version counts: replays and shadow scores are not the plant.
 */
import type { QueryParams } from '../adapters/clickhouse/index.js';
import { FEATURES_OF_INFERENCE, joinFeatures } from '../adapters/clickhouse/rows.js';
import { PSI_EPSILON } from './drift-math.js';
import type { DriftTarget } from './drift-targets.js';

const inWindow = (column: string) =>
  `${column} > fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ${column} <= fromUnixTimestamp64Milli({to:Int64}, 'UTC')`;

export const DRIFT_SQL = `
SELECT
    target,
    toUInt64(live_rows) AS live_rows,
    live_counts,
    psi,
    js_distance
FROM
(
    SELECT
        target,
        live_rows,
        live_counts,
        {reference:Array(Array(Float64))}[target + 1] AS reference_counts,
        arrayMap(c -> c / arraySum(reference_counts), reference_counts) AS p,
        arrayMap(c -> c / live_rows, live_counts) AS q,
        arraySum(arrayMap((pi, qi) ->
            (greatest(qi, {epsilon:Float64}) - greatest(pi, {epsilon:Float64}))
                * ln(greatest(qi, {epsilon:Float64}) / greatest(pi, {epsilon:Float64})), p, q)) AS psi,
        sqrt(greatest(0, arraySum(arrayMap((pi, qi) ->
            if(pi > 0, 0.5 * pi * log2(pi / ((pi + qi) / 2)), 0)
                + if(qi > 0, 0.5 * qi * log2(qi / ((pi + qi) / 2)), 0), p, q)))) AS js_distance
    FROM
    (
        SELECT
            target,
            count() AS live_rows,
            sumForEach(arrayMap(
                b -> toUInt64(b = arrayCount(e -> e < value, {edges:Array(Array(Float64))}[target + 1])),
                range(toUInt64(length({edges:Array(Array(Float64))}[target + 1]) + 1)))) AS live_counts
        FROM
        (
            SELECT t.1 AS target, t.2 AS value
            FROM
            (
                SELECT i.score AS score, i.anomaly AS anomaly, ${FEATURES_OF_INFERENCE} AS vector
                FROM inferences AS i FINAL
                ${joinFeatures(`stream = {stream:String} AND run_id = '' AND ${inWindow('event_time')}`)}
                WHERE i.stream = {stream:String}
                  AND i.model_name = {model:String}
                  AND i.model_version = {version:String}
                  AND i.model_role = 'production'
                  AND i.run_id = ''
                  AND ${inWindow('i.event_time')}
            )
            ARRAY JOIN arrayFilter(x -> isFinite(x.2), arrayMap((k, n, i) -> (toUInt32(i - 1), multiIf(
                k = 'score', score,
                k = 'alert_rate', toFloat64(anomaly),
                mapContains(vector, n), vector[n],
                nan)), {kinds:Array(String)}, {names:Array(String)}, arrayEnumerate({names:Array(String)}))) AS t
        )
        GROUP BY target
    )
)
ORDER BY target
`;

export interface DriftSqlRow {
  readonly target: number;
  readonly live_rows: string;
  readonly live_counts: readonly (string | number)[];
  readonly psi: number;
  readonly js_distance: number;
}

export interface DriftQueryScope {
  readonly stream: string;
  readonly model: string;
  readonly version: string;
  /** Exclusive start and inclusive end of event time (epoch ms). */
  readonly from: number;
  readonly to: number;
}

export function driftQueryParams(targets: readonly DriftTarget[], scope: DriftQueryScope): QueryParams {
  return {
    kinds: targets.map((t) => t.kind),
    names: targets.map((t) => t.name),
    edges: targets.map((t) => [...t.edges]),
    reference: targets.map((t) => [...t.reference]),
    epsilon: PSI_EPSILON,
    stream: scope.stream,
    model: scope.model,
    version: scope.version,
    from: scope.from,
    to: scope.to,
  };
}
