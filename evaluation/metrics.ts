/**
 * Detection-quality maths, pure. Definitions (evaluation/README.md says the same for readers of the report):
 *
 * Point-wise (per scored reading): positive = inside a fault span of its key. Per fault kind the question is
 * "this kind against normal data": recall_k = flagged_k / readings_k, precision_k = flagged_k / (flagged_k +
 * flagged normal readings). Readings in the grace after a fault are neither (windows still hold the fault).
 *
 * Event-wise (per fault and per alert): a fault is detected when an alert of its key opens in
 * [start, end + grace]; detection delay = first such opening − start. An alert is true when its span
 * [openedAt, closedAt or period end] overlaps [start − grace, end + grace] of a fault of its key, and is
 * attributed to the first such fault's kind; otherwise it is a false alert. precision_k = alerts attributed to k /
 * (those + false alerts). False alerts per asset per day = false alerts opened in the period / assets / days.
 */
import type { AlertSpan, EvaluationInput, FaultSpan, ReadingCount } from './types.js';

const DAY_MS = 86_400_000;

export interface Prf {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

/** Precision, recall and F1 from counts; null where the denominator is zero (undefined, not 0 or 1). */
export function prf(truePositives: number, falsePositives: number, falseNegatives: number): Prf {
  const precision = truePositives + falsePositives === 0 ? null : truePositives / (truePositives + falsePositives);
  const recall = truePositives + falseNegatives === 0 ? null : truePositives / (truePositives + falseNegatives);
  const f1 =
    precision === null || recall === null
      ? null
      : precision + recall === 0
        ? 0
        : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Quantile q in [0, 1] with linear interpolation between order statistics (numpy's default); null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

export interface FaultMatch {
  readonly fault: FaultSpan;
  /** First alert opening in [start, end + grace], or null when the fault went undetected. */
  readonly firstAlertAt: number | null;
}

export interface AlertMatch {
  readonly alert: AlertSpan;
  /** The kind of the first fault the alert overlaps (± grace), or null for a false alert. */
  readonly kind: string | null;
}

function byKey<T extends { key: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(item.key);
    if (list === undefined) map.set(item.key, [item]);
    else list.push(item);
  }
  return map;
}

/** Matches faults to the alerts of their key and alerts to faults (see the module comment). */
export function matchEvents(
  faults: readonly FaultSpan[],
  alerts: readonly AlertSpan[],
  graceMs: number,
  periodEnd: number,
): { faults: FaultMatch[]; alerts: AlertMatch[] } {
  const alertsByKey = byKey(alerts);
  const faultsByKey = byKey([...faults].sort((a, b) => a.start - b.start || a.end - b.end));
  const faultMatches = faults.map((fault) => {
    let first: number | null = null;
    for (const a of alertsByKey.get(fault.key) ?? []) {
      if (a.openedAt >= fault.start && a.openedAt <= fault.end + graceMs && (first === null || a.openedAt < first)) {
        first = a.openedAt;
      }
    }
    return { fault, firstAlertAt: first };
  });
  const alertMatches = alerts.map((alert) => {
    const alertEnd = alert.closedAt ?? Math.max(periodEnd, alert.openedAt);
    const hit = (faultsByKey.get(alert.key) ?? []).find(
      (f) => alert.openedAt <= f.end + graceMs && alertEnd >= f.start - graceMs,
    );
    return { alert, kind: hit?.kind ?? null };
  });
  return { faults: faultMatches, alerts: alertMatches };
}

export interface KindReport {
  readonly kind: string;
  readonly faults: number;
  readonly point: ReadingCount & Prf;
  readonly event: Prf & { readonly detected: number; readonly alerts: number };
  /** Alert opening − fault start over detected faults, ms. */
  readonly delayMs: { readonly median: number | null; readonly p90: number | null };
}

export interface EvaluationReport {
  readonly from: number;
  readonly to: number;
  readonly days: number;
  readonly assets: number;
  readonly graceMs: number;
  readonly kinds: KindReport[];
  /** All kinds together: point-wise any fault vs normal, event-wise all faults and all alerts. */
  readonly overall: Omit<KindReport, 'kind'>;
  readonly normal: ReadingCount;
  readonly afterFault: ReadingCount;
  readonly alerts: { readonly total: number; readonly true: number; readonly false: number };
  readonly falseAlertsPerAssetPerDay: number | null;
}

/** The whole report: per fault kind and overall. Faults count when they start inside [from, to). */
export function evaluate(input: EvaluationInput): EvaluationReport {
  const inPeriod = (t: number) => t >= input.from && t < input.to;
  const faults = input.faults.filter((f) => inPeriod(f.start));
  const alerts = input.alerts.filter((a) => inPeriod(a.openedAt));
  // Alerts just outside the period may still detect a fault that ends near its edge; they are matched, not counted.
  const matched = matchEvents(faults, input.alerts, input.graceMs, input.to);
  const countedAlerts = new Set(alerts);
  const alertMatches = matched.alerts.filter((m) => countedAlerts.has(m.alert));
  const falseAlerts = alertMatches.filter((m) => m.kind === null).length;
  const normal = input.points.normal;

  const kinds = [...new Set([...faults.map((f) => f.kind), ...input.points.faults.keys()])].sort();
  const report = (kindFilter: (kind: string) => boolean, points: ReadingCount) => {
    const faultsOfKind = matched.faults.filter((m) => kindFilter(m.fault.kind));
    const detected = faultsOfKind.filter((m) => m.firstAlertAt !== null);
    const delays = detected.map((m) => m.firstAlertAt! - m.fault.start);
    const trueAlerts = alertMatches.filter((m) => m.kind !== null && kindFilter(m.kind)).length;
    const event = prf(trueAlerts, falseAlerts, 0);
    const eventRecall = faultsOfKind.length === 0 ? null : detected.length / faultsOfKind.length;
    return {
      faults: faultsOfKind.length,
      point: {
        ...points,
        ...prf(points.flagged, normal.flagged, points.readings - points.flagged),
      },
      event: {
        precision: event.precision,
        recall: eventRecall,
        f1: f1Of(event.precision, eventRecall),
        detected: detected.length,
        alerts: trueAlerts,
      },
      delayMs: { median: quantile(delays, 0.5), p90: quantile(delays, 0.9) },
    };
  };
  const allPoints: ReadingCount = { readings: 0, flagged: 0 };
  for (const c of input.points.faults.values()) {
    allPoints.readings += c.readings;
    allPoints.flagged += c.flagged;
  }
  const days = (input.to - input.from) / DAY_MS;
  return {
    from: input.from,
    to: input.to,
    days,
    assets: input.assets,
    graceMs: input.graceMs,
    kinds: kinds.map((kind) => ({
      kind,
      ...report((k) => k === kind, input.points.faults.get(kind) ?? { readings: 0, flagged: 0 }),
    })),
    overall: report(() => true, allPoints),
    normal: { ...normal },
    afterFault: { ...input.points.afterFault },
    alerts: { total: alerts.length, true: alerts.length - falseAlerts, false: falseAlerts },
    falseAlertsPerAssetPerDay: input.assets === 0 || days <= 0 ? null : falseAlerts / input.assets / days,
  };
}

function f1Of(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null) return null;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
