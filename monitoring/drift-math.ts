/**
 * Drift measures on histograms with the model card's bins (pure; the ClickHouse SQL in drift-sql.ts computes the
 * same quantities, and the integration test holds the two to each other).
 *
 * Bins follow training/vigil_training/reference.py: `edges` are interior cut points, bin 0 is (-inf, edges[0]],
 * bin i is (edges[i-1], edges[i]], the last bin (edges[last], +inf). So a value's bin is the number of edges
 * strictly below it.
 */

/** Proportion floor for PSI: an empty bin would make ln(q/p) infinite; 1e-4 is the usual smoothing. */
export const PSI_EPSILON = 1e-4;

/** Index of the bin `value` falls in (0..edges.length). */
export function binIndex(edges: readonly number[], value: number): number {
  let n = 0;
  for (const edge of edges) if (edge < value) n++;
  return n;
}

/** Counts of `values` per bin (non-finite values are skipped: they are a data-quality problem, not drift). */
export function binCounts(edges: readonly number[], values: Iterable<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) if (Number.isFinite(v)) counts[binIndex(edges, v)]! += 1;
  return counts;
}

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return total === 0 ? counts.map(() => 0) : counts.map((c) => c / total);
}

function assertSameBins(reference: readonly number[], live: readonly number[]): void {
  if (reference.length !== live.length) {
    throw new RangeError(
      `histograms have ${reference.length} and ${live.length} bins; they must share the card's bins`,
    );
  }
}

/**
 * Population stability index: sum over bins of (q - p) * ln(q / p), p the reference share, q the live share,
 * both floored at `epsilon`. 0 = same distribution; > 0.1 moderate, > 0.2 significant shift (the usual reading).
 */
export function psi(reference: readonly number[], live: readonly number[], epsilon = PSI_EPSILON): number {
  assertSameBins(reference, live);
  const p = proportions(reference);
  const q = proportions(live);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = Math.max(p[i]!, epsilon);
    const qi = Math.max(q[i]!, epsilon);
    sum += (qi - pi) * Math.log(qi / pi);
  }
  return sum;
}

/**
 * Jensen-Shannon distance with base-2 logarithms: sqrt of the JS divergence, in [0, 1] (1 = disjoint supports).
 * Defined with empty bins (0 · log 0 = 0), so no smoothing.
 */
export function jsDistance(reference: readonly number[], live: readonly number[]): number {
  assertSameBins(reference, live);
  const p = proportions(reference);
  const q = proportions(live);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    if (p[i]! > 0) divergence += 0.5 * p[i]! * Math.log2(p[i]! / m);
    if (q[i]! > 0) divergence += 0.5 * q[i]! * Math.log2(q[i]! / m);
  }
  // Rounding can leave a tiny negative divergence for identical histograms.
  return Math.sqrt(Math.max(0, divergence));
}
