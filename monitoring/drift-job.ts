/**
 * The drift job: for each production model and each rolling window, the SQL of drift-sql.ts measures every target
 * (features, score, alert rate) against the model card; results go to the `drift` table, the metrics and, through
 * alert-transitions.ts, to drift alerts. `measureDrift` alone (no writes) is what `vigil drift` prints.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { AlertFinding } from './alert-transitions.js';
import { DRIFT_SQL, type DriftSqlRow, driftQueryParams } from './drift-sql.js';
import { type DriftKind, driftTargets } from './drift-targets.js';
import { type DriftThresholds, driftSeverity, isDrifted } from './drift-thresholds.js';
import { type ProductionModel, readProductionModels } from './production-cards.js';
import { windowLabel } from './window-label.js';

export interface DriftSettings {
  readonly windowsMs: readonly number[];
  readonly thresholds: DriftThresholds;
}

export interface DriftResult {
  readonly computedAt: number;
  readonly window: string;
  readonly windowMs: number;
  readonly stream: string;
  readonly model: string;
  readonly version: string;
  readonly kind: DriftKind;
  readonly target: string;
  readonly psi: number;
  readonly jsDistance: number;
  readonly liveRows: number;
  readonly liveCounts: readonly number[];
  readonly referenceCounts: readonly number[];
  readonly drifted: boolean;
}

/** Measures every production model (or `model` only) over every window ending at `now`. */
export async function measureDrift(
  ch: ClickHouse,
  settings: DriftSettings,
  now: number,
  models?: readonly ProductionModel[],
): Promise<DriftResult[]> {
  const production = models ?? (await readProductionModels(ch));
  const results: DriftResult[] = [];
  for (const model of production) {
    const targets = driftTargets(model.card);
    for (const windowMs of settings.windowsMs) {
      const rows = await ch.query<DriftSqlRow>(
        DRIFT_SQL,
        driftQueryParams(targets, {
          stream: model.stream,
          model: model.name,
          version: model.version,
          from: now - windowMs,
          to: now,
        }),
        { maxRows: targets.length },
      );
      for (const row of rows) {
        const target = targets[row.target];
        if (target === undefined) continue; // the SQL only returns indices of `targets`
        const measure = { psi: row.psi, jsDistance: row.js_distance, liveRows: Number(row.live_rows) };
        results.push({
          computedAt: now,
          window: windowLabel(windowMs),
          windowMs,
          stream: model.stream,
          model: model.name,
          version: model.version,
          kind: target.kind,
          target: target.name,
          ...measure,
          liveCounts: row.live_counts.map(Number),
          referenceCounts: target.reference,
          drifted: isDrifted(measure, settings.thresholds),
        });
      }
    }
  }
  return results;
}

export function driftRows(results: readonly DriftResult[]): Record<string, unknown>[] {
  return results.map((r) => ({
    computed_at: r.computedAt,
    window: r.window,
    window_ms: r.windowMs,
    stream: r.stream,
    model_name: r.model,
    model_version: r.version,
    kind: r.kind,
    target: r.target,
    psi: r.psi,
    js_distance: r.jsDistance,
    live_rows: r.liveRows,
    live_counts: r.liveCounts,
    reference_counts: r.referenceCounts,
    drifted: r.drifted,
  }));
}

/** One finding per measured (model, target, window); windows below the minimum row count are not judged. */
export function driftFindings(results: readonly DriftResult[], thresholds: DriftThresholds): AlertFinding[] {
  return results
    .filter((r) => r.liveRows >= thresholds.minRows)
    .map((r) => ({
      kind: 'drift' as const,
      subject: `${r.model}/${r.target}/${r.window}`,
      firing: r.drifted,
      severity: driftSeverity(r, thresholds),
      value: r.psi,
      threshold: thresholds.psi,
      message: r.drifted
        ? `${r.model} ${r.version}: ${r.target} drifted over the last ${r.window} (PSI ${r.psi.toFixed(3)} > ${thresholds.psi}, JS ${r.jsDistance.toFixed(3)}, ${r.liveRows} values)`
        : `${r.model} ${r.version}: ${r.target} back within the reference over the last ${r.window} (PSI ${r.psi.toFixed(3)})`,
      labels: { model: r.model, version: r.version, target: r.target, kind: r.kind, window: r.window },
    }));
}
