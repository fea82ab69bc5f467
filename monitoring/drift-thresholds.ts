/**
 * When a drift measure is a drift (pure). PSI above 0.2 is the usual "significant shift"; the JS distance is a
 * second, bounded opinion. A window with fewer live rows than `minRows` is reported but never alerts: PSI on a
 * few dozen values is noise.
 */
export interface DriftThresholds {
  readonly psi: number;
  readonly jsDistance: number;
  readonly minRows: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { psi: 0.2, jsDistance: 0.2, minRows: 200 };

export interface DriftMeasure {
  readonly psi: number;
  readonly jsDistance: number;
  readonly liveRows: number;
}

export function isDrifted(measure: DriftMeasure, thresholds: DriftThresholds): boolean {
  if (measure.liveRows < thresholds.minRows) return false;
  return measure.psi > thresholds.psi || measure.jsDistance > thresholds.jsDistance;
}

/** Severity of a drift alert: high once PSI is twice the threshold (a shift operators should not wait on). */
export function driftSeverity(measure: DriftMeasure, thresholds: DriftThresholds): 'medium' | 'high' {
  return measure.psi > 2 * thresholds.psi ? 'high' : 'medium';
}
