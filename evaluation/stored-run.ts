/** `vigil evaluate` against ClickHouse: what the stream or a replay run stored, scored against the ground truth. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { type EvaluationReport, evaluate } from './metrics.js';
import { type StoredRunFilter, storedAlerts, storedExtent, storedFaults, storedPointTally } from './queries.js';

export interface StoredEvaluationRequest extends StoredRunFilter {
  /** Period [from, to); default: the first to the last production score of the run. */
  readonly from?: number;
  readonly to?: number;
  readonly graceMs: number;
}

export async function evaluateStored(ch: ClickHouse, r: StoredEvaluationRequest): Promise<EvaluationReport> {
  const extent = await storedExtent(ch, r, r.from, r.to);
  const { from, to, keys } = extent;
  const [points, faults, alerts] = [
    await storedPointTally(ch, r, from, to, r.graceMs),
    await storedFaults(ch, r, keys, from, to),
    // Alerts slightly outside the period still match faults near its edges (metrics.ts counts only those inside).
    await storedAlerts(ch, r, from - r.graceMs, to + r.graceMs),
  ];
  return evaluate({ faults, alerts, points, assets: keys.length, from, to, graceMs: r.graceMs });
}
