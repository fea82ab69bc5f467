/**
 * The feature definitions computed directly and slowly (O(events) per event) for the property tests: no running
 * sums, no deques, no shifts; two-pass formulas straight from core/features/README.md.
 */
import type { FeatureEvent, FeatureSet, Verdict } from '../../core/features/index.js';

export interface ReferenceResult {
  readonly verdict: Verdict;
  readonly vector?: number[];
  readonly ready?: boolean;
}

interface Stored {
  readonly time: number;
  readonly arrival: number;
  readonly eventId: string;
  readonly values: Readonly<Record<string, number>>;
}

export function referenceRun(set: FeatureSet, events: readonly FeatureEvent[]): ReferenceResult[] {
  const longest = set.windowsMs[set.windowsMs.length - 1]!;
  const retention = longest + set.allowedLatenessMs;
  const byKey = new Map<string, { accepted: Stored[]; maxTime: number }>();
  return events.map((event, arrival) => {
    let key = byKey.get(event.key);
    if (key === undefined) {
      key = { accepted: [], maxTime: Number.NEGATIVE_INFINITY };
      byKey.set(event.key, key);
    }
    const maxTime = key.maxTime;
    if (key.accepted.some((e) => e.eventId === event.eventId && e.time > maxTime - retention)) {
      return { verdict: 'DUPLICATE' };
    }
    if (event.eventTime < maxTime - set.allowedLatenessMs) return { verdict: 'LATE' };
    key.accepted.push({ time: event.eventTime, arrival, eventId: event.eventId, values: event.values });
    key.maxTime = Math.max(maxTime, event.eventTime);
    return { verdict: 'ACCEPTED', ...referenceVector(set, key.accepted, event.eventTime) };
  });
}

function present(v: number | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function referenceVector(
  set: FeatureSet,
  accepted: readonly Stored[],
  t: number,
): { vector: number[]; ready: boolean } {
  const vector: number[] = [];
  const lastInLongest = new Map<string, number>();
  let ready = false;
  for (const channel of set.channels) {
    set.windowsMs.forEach((w, wi) => {
      const inWindow = accepted
        .filter((e) => e.time > t - w && e.time <= t)
        .sort((a, b) => a.time - b.time || a.arrival - b.arrival);
      const points = inWindow.filter((e) => present(e.values[channel.name]));
      const vs = points.map((e) => e.values[channel.name]!);
      // Times relative to t: the same slope, without the reference's own rounding of epoch-sized means.
      const ts = points.map((e) => e.time - t);
      const n = vs.length;
      const mean = n > 0 ? vs.reduce((a, b) => a + b, 0) / n : 0;
      const min = n > 0 ? Math.min(...vs) : 0;
      const max = n > 0 ? Math.max(...vs) : 0;
      const std = n > 1 && min !== max ? Math.sqrt(vs.reduce((a, v) => a + (v - mean) ** 2, 0) / n) : 0;
      const last = n > 0 ? vs[n - 1]! : 0;
      let slope = 0;
      if (n > 1) {
        const tMean = ts.reduce((a, b) => a + b, 0) / n;
        const den = ts.reduce((a, x) => a + (x - tMean) ** 2, 0);
        if (den > 0) slope = (ts.reduce((a, x, i) => a + (x - tMean) * (vs[i]! - mean), 0) / den) * 60_000;
      }
      const halfLife = w * set.ewmaHalfLifeFraction;
      const weights = ts.map((x) => 2 ** (x / halfLife));
      const wSum = weights.reduce((a, b) => a + b, 0);
      const ewma = n > 0 ? weights.reduce((a, x, i) => a + x * vs[i]!, 0) / wSum : 0;
      const values: Record<string, number> = {
        count: n,
        sum: vs.reduce((a, b) => a + b, 0),
        mean,
        std,
        min,
        max,
        last,
        delta: n > 1 ? last - vs[n - 2]! : 0,
        slope,
        ewma,
        zscore: std > 0 ? (last - mean) / std : 0,
        missing_rate: inWindow.length > 0 ? (inWindow.length - n) / inWindow.length : 0,
      };
      for (const agg of channel.aggregations) vector.push(values[agg]!);
      if (wi === set.windowsMs.length - 1) {
        if (n > 0) lastInLongest.set(channel.name, last);
        const span = t - inWindow[0]!.time;
        ready =
          span >= set.warmup.minSpanFraction * w ||
          (set.warmup.minEvents > 0 && inWindow.length >= set.warmup.minEvents);
      }
    });
  }
  for (const f of set.derived) {
    const a = lastInLongest.get(f.left);
    const b = lastInLongest.get(f.right);
    let x = 0;
    if (a !== undefined && b !== undefined) {
      if (f.op === 'ratio') x = Math.abs(b) <= f.epsilon ? 0 : a / b;
      else if (f.op === 'difference') x = a - b;
      else x = a * b;
    }
    vector.push(x);
  }
  return { vector, ready };
}
