/**
 * `vigil thresholds suggest`: per-asset thresholds from what people said about past alerts and from ground truth.
 * For each asset, the stored production scores of a past period are run again through the same alert policy
 * (core/alerts, pure: an alert depends only on scores, thresholds and event times) at a ladder of candidate
 * thresholds, and each candidate is judged against the labels:
 *   - a fault is a ground-truth fault interval, or the span of an alert an operator marked real_fault;
 *   - a false alarm is a replayed alert that overlaps no fault and either overlaps an alert marked false_alarm,
 *     or the faults are known exhaustively (ground truth of the period).
 * The suggestion keeps the best recall of faults first, then the fewest false alarms, then (ground truth only)
 * the fewest alerts, then the value closest to the current one: it raises thresholds that only produced false alarms and lowers
 * those that missed faults. Assets without any label keep their threshold (nothing to learn from).
 */
import { type AlertPolicyConfig, createAlertPolicy } from '../core/alerts/index.js';

export interface ScorePoint {
  readonly eventTime: number;
  readonly score: number;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface AssetHistory {
  readonly key: string;
  /** Asset type (subject): an asset_type override applies to it. */
  readonly subject: string;
  /** The threshold in force for the period (the last one stored on its inferences). */
  readonly currentThreshold: number;
  /** Production scores in event-time order. */
  readonly scores: readonly ScorePoint[];
  /** Fault intervals: ground truth and alerts marked real_fault. */
  readonly faults: readonly Interval[];
  /** Spans of alerts marked false_alarm. */
  readonly falseAlarms: readonly Interval[];
  /**
   * True when `faults` lists every fault of the period (ground truth from a simulator or an import): then any
   * alert outside a fault is false. False (verdicts only): only alerts overlapping a false_alarm verdict count as
   * false, so unreviewed alerts are never held against a threshold.
   */
  readonly exhaustiveFaults: boolean;
}

export interface CandidateOutcome {
  readonly threshold: number;
  readonly alerts: number;
  readonly falseAlerts: number;
  readonly faultsDetected: number;
}

export interface ThresholdSuggestion {
  readonly key: string;
  readonly subject: string;
  readonly currentThreshold: number;
  readonly suggestedThreshold: number;
  readonly faults: number;
  readonly labelledFalseAlarms: number;
  readonly current: CandidateOutcome;
  readonly suggested: CandidateOutcome;
  /** suggested.alerts - current.alerts over the period. */
  readonly alertCountChange: number;
  /** Share of faults with an alert (null without faults). */
  readonly recallBefore: number | null;
  readonly recallAfter: number | null;
  readonly reason: string;
}

/** Candidate thresholds as multiples of the current one. */
export const DEFAULT_LADDER = [0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3];

export function replayAlerts(
  scores: readonly ScorePoint[],
  threshold: number,
  policy: AlertPolicyConfig,
  key: string,
): Interval[] {
  const alerts = createAlertPolicy(policy, 'suggest');
  const spans: Interval[] = [];
  let openedAt: number | undefined;
  for (const s of scores) {
    const a = alerts.evaluate({
      key,
      eventTime: s.eventTime,
      score: s.score,
      threshold,
      modelName: '',
      modelVersion: '',
      channels: [],
    });
    if (a === undefined) continue;
    if (a.state === 'open' && openedAt === undefined) openedAt = a.openedAt;
    if (a.state === 'closed') {
      spans.push({ start: a.openedAt, end: a.closedAt ?? a.eventTime });
      openedAt = undefined;
    }
  }
  const last = scores[scores.length - 1];
  if (openedAt !== undefined && last !== undefined) spans.push({ start: openedAt, end: last.eventTime });
  return spans;
}

const overlaps = (a: Interval, b: Interval) => a.start <= b.end && b.start <= a.end;

export function judge(spans: readonly Interval[], history: AssetHistory, threshold: number): CandidateOutcome {
  const falseAlerts = spans.filter(
    (s) =>
      !history.faults.some((f) => overlaps(s, f)) &&
      (history.exhaustiveFaults || history.falseAlarms.some((f) => overlaps(s, f))),
  ).length;
  const faultsDetected = history.faults.filter((f) => spans.some((s) => overlaps(s, f))).length;
  return { threshold, alerts: spans.length, falseAlerts, faultsDetected };
}

export function suggestThreshold(
  history: AssetHistory,
  policy: AlertPolicyConfig,
  ladder: readonly number[] = DEFAULT_LADDER,
): ThresholdSuggestion {
  const current = history.currentThreshold;
  const outcome = (t: number) => judge(replayAlerts(history.scores, t, policy, history.key), history, t);
  const now = outcome(current);
  let best = now;
  const labelled = history.faults.length > 0 || history.falseAlarms.length > 0;
  if (labelled) {
    for (const factor of ladder) {
      const t = roundThreshold(current * factor);
      if (t === current) continue;
      const c = outcome(t);
      if (better(c, best, current, history.exhaustiveFaults)) best = c;
    }
  }
  const recall = (o: CandidateOutcome) =>
    history.faults.length === 0 ? null : o.faultsDetected / history.faults.length;
  return {
    key: history.key,
    subject: history.subject,
    currentThreshold: current,
    suggestedThreshold: best.threshold,
    faults: history.faults.length,
    labelledFalseAlarms: history.falseAlarms.length,
    current: now,
    suggested: best,
    alertCountChange: best.alerts - now.alerts,
    recallBefore: recall(now),
    recallAfter: recall(best),
    reason: reasonOf(labelled, now, best, history),
  };
}

function better(c: CandidateOutcome, best: CandidateOutcome, current: number, exhaustive: boolean): boolean {
  if (c.faultsDetected !== best.faultsDetected) return c.faultsDetected > best.faultsDetected;
  if (c.falseAlerts !== best.falseAlerts) return c.falseAlerts < best.falseAlerts;
  // Without exhaustive ground truth, the other alerts are unreviewed: fewer of them is not known to be better.
  if (exhaustive && c.alerts !== best.alerts) return c.alerts < best.alerts;
  return Math.abs(c.threshold - current) < Math.abs(best.threshold - current);
}

function reasonOf(labelled: boolean, now: CandidateOutcome, best: CandidateOutcome, h: AssetHistory): string {
  if (!labelled) return 'no verdicts or ground truth for this asset in the period: keep the threshold';
  if (best.threshold === now.threshold) return 'the current threshold is already the best on the labelled period';
  if (best.faultsDetected > now.faultsDetected) {
    return `lower: detects ${best.faultsDetected} of ${h.faults.length} faults instead of ${now.faultsDetected}`;
  }
  return `raise: ${now.falseAlerts - best.falseAlerts} fewer false alarms, same ${best.faultsDetected} of ${h.faults.length} faults detected`;
}

/** Four significant digits: thresholds people can read and type. */
function roundThreshold(t: number): number {
  return Number(t.toPrecision(4));
}
