/**
 * Score parity between two runtimes, the same rule in Python (training/vigil_training/parity.py) and here:
 * |actual - expected| <= tolerance * max(1, |expected|). Absolute for scores within [-1, 1], relative above, because
 * a float32 score of 1000 cannot be closer than ~6e-5 to its float64 reference.
 */

export const PARITY_TOLERANCE = 1e-5;

export interface ParityReport {
  readonly rows: number;
  readonly maxAbsDiff: number;
  /** Indices of rows beyond the tolerance. */
  readonly failing: readonly number[];
}

export function compareScores(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  tolerance = PARITY_TOLERANCE,
): ParityReport {
  if (expected.length !== actual.length) {
    return { rows: expected.length, maxAbsDiff: Number.POSITIVE_INFINITY, failing: [-1] };
  }
  let maxAbsDiff = 0;
  const failing: number[] = [];
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    const diff = Math.abs(a - e);
    if (!(diff <= tolerance * Math.max(1, Math.abs(e)))) failing.push(i);
    if (!(diff <= maxAbsDiff)) maxAbsDiff = diff;
  }
  return { rows: expected.length, maxAbsDiff, failing };
}
