/** Summaries of repeated measurements (min / median / max) and exact percentiles of latency samples. */

export interface Summary {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, runs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs `measure` `warmups` times (discarded), then `runs` times, and summarises what it returns. */
export async function repeat(
  runs: number,
  warmups: number,
  measure: (run: number) => Promise<number>,
): Promise<{ summary: Summary; values: number[] }> {
  for (let w = 0; w < warmups; w++) await measure(-1 - w);
  const values: number[] = [];
  for (let r = 0; r < runs; r++) values.push(await measure(r));
  return { summary: summarize(values), values };
}

/**
 * Runs `ceiling` and `vigil` in adjacent pairs (order alternating A-B, B-A so that a trend in machine load favours
 * neither) after `warmups` discarded pairs, and summarises each side and the per-pair ratios. On a shared machine
 * the load drifts between runs; a ratio of two runs made seconds apart cancels most of it, where a ratio of two
 * medians taken minutes apart does not.
 */
export async function pairedRuns(
  runs: number,
  warmups: number,
  ceiling: () => Promise<number>,
  vigil: () => Promise<number>,
): Promise<{ ceiling: Summary; vigil: Summary; ratio: Summary }> {
  const c: number[] = [];
  const v: number[] = [];
  for (let i = -warmups; i < runs; i++) {
    const [first, second] = i % 2 === 0 ? [ceiling, vigil] : [vigil, ceiling];
    const a = await first();
    const b = await second();
    if (i < 0) continue;
    c.push(i % 2 === 0 ? a : b);
    v.push(i % 2 === 0 ? b : a);
  }
  return { ceiling: summarize(c), vigil: summarize(v), ratio: summarize(v.map((x, i) => x / c[i]!)) };
}

/** Ratio of two summaries' medians, with the range from the pessimistic to the optimistic pairing. */
export function ratioOf(vigil: Summary, ceiling: Summary): Summary {
  return {
    min: vigil.min / ceiling.max,
    median: vigil.median / ceiling.median,
    max: vigil.max / ceiling.min,
    runs: Math.min(vigil.runs, ceiling.runs),
  };
}

/** Linear-interpolated quantile from a prom-client histogram's cumulative buckets (upper bound `le`, count). */
export function histogramQuantile(buckets: readonly { le: number; count: number }[], q: number): number {
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (total === 0) return Number.NaN;
  const target = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of buckets) {
    if (count >= target) {
      if (!Number.isFinite(le)) return prevLe;
      const inBucket = count - prevCount;
      return inBucket === 0 ? le : prevLe + ((le - prevLe) * (target - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
