/**
 * What people declared about the history a model trains on, applied to the exported rows:
 *
 * - Maintenance windows and other non-production modes (alert-workflow, table maintenance_windows): rows of an
 *   asset inside one of its windows are left out of the export, so neither the model nor the reference
 *   distributions on its card (the drift monitor's reference, computed from the training rows) learn a planned
 *   stop, a cleaning run or commissioning as normal. `--keep-maintenance` keeps them.
 * - Verdicts on alerts (alert_acknowledgements): a `real_fault` verdict labels the alert's span (opening to
 *   close; still open: to the end of the export) as anomalous with the label `real_fault`, so the rows are
 *   held out of training and count as faults in the evaluation; a `false_alarm` verdict marks its span as
 *   normal. Ground truth (simulator or imported labels) is a record of what happened and wins over a verdict.
 *
 * Pure: the spans come in, a labeler and an exclusion predicate go out.
 */
import type { Labeler } from './labels.js';

export interface MaintenanceSpan {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

export type Verdict = 'real_fault' | 'false_alarm';

export interface VerdictSpan {
  readonly key: string;
  readonly verdict: Verdict;
  /** Alert opening, epoch ms. */
  readonly start: number;
  /** Alert close, epoch ms; null while open. */
  readonly end: number | null;
}

/** The label rows inside a span of an alert confirmed by an operator get. */
export const REAL_FAULT_LABEL = 'real_fault';

function spansByKey<T extends { key: string; start: number }>(spans: readonly T[]): Map<string, T[]> {
  const byKey = new Map<string, T[]>();
  for (const s of spans) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  for (const list of byKey.values()) list.sort((a, b) => a.start - b.start);
  return byKey;
}

/**
 * True for a row of an asset inside one of its maintenance windows (both ends inclusive) or within `graceMs`
 * after it (the longest window plus the allowed lateness: the row's windows still hold maintenance readings).
 */
export function inMaintenance(
  windows: readonly MaintenanceSpan[],
  graceMs = 0,
): (key: string, eventTime: number) => boolean {
  const byKey = spansByKey(windows);
  return (key, eventTime) => byKey.get(key)?.some((w) => eventTime >= w.start && eventTime <= w.end + graceMs) ?? false;
}

/**
 * The ground-truth labeler with operators' verdicts under it: where ground truth labels a row, that label;
 * else `real_fault` inside a confirmed alert's span; else null (normal), false alarms included. When a real
 * fault and a false alarm of one key overlap, the real fault wins: a missed fault in the training rows costs
 * more than a normal row held out.
 */
export function withVerdicts(truth: Labeler, verdicts: readonly VerdictSpan[], exportEnd: number): Labeler {
  const real = spansByKey(verdicts.filter((v) => v.verdict === 'real_fault'));
  return (key, eventTime) => {
    const label = truth(key, eventTime);
    if (label !== null) return label;
    const hit = real.get(key)?.some((v) => eventTime >= v.start && eventTime <= (v.end ?? exportEnd));
    return hit ? REAL_FAULT_LABEL : null;
  };
}

export interface OperatorAnnotations {
  readonly maintenance: readonly MaintenanceSpan[];
  readonly verdicts: readonly VerdictSpan[];
}
