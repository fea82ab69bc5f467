import type { AlertSeverity } from '../events/types.js';
import type { SeverityBands } from './alert-policy-config.js';

/**
 * How far a score is past its threshold, as a ratio: score / threshold for a positive threshold, written as
 * 1 + (score - threshold) / |threshold| so it stays meaningful for negative thresholds (decision functions);
 * a zero threshold makes any positive excess infinite (critical).
 */
export function scoreRatio(score: number, threshold: number): number {
  const excess = score - threshold;
  if (threshold === 0) return excess > 0 ? Number.POSITIVE_INFINITY : 1;
  return 1 + excess / Math.abs(threshold);
}

const ORDER: readonly AlertSeverity[] = ['low', 'medium', 'high', 'critical'];

export function severityOf(score: number, threshold: number, bands: SeverityBands): AlertSeverity {
  const r = scoreRatio(score, threshold);
  if (r >= bands.critical) return 'critical';
  if (r >= bands.high) return 'high';
  if (r >= bands.medium) return 'medium';
  return 'low';
}

export function severityRank(severity: AlertSeverity): number {
  return ORDER.indexOf(severity);
}
