import { describe, expect, it } from 'vitest';
import { compareScores, PARITY_TOLERANCE } from '../../core/model/parity.js';

describe('compareScores', () => {
  it('uses an absolute tolerance up to |score| 1 and a relative one above', () => {
    expect(compareScores([0.5, -0.2], [0.5 + 0.9e-5, -0.2 - 0.9e-5]).failing).toEqual([]);
    expect(compareScores([0.5], [0.5 + 2e-5]).failing).toEqual([0]);
    expect(compareScores([1000], [1000 + 0.009]).failing).toEqual([]);
    expect(compareScores([1000], [1000 + 0.02]).failing).toEqual([0]);
  });

  it('reports the largest absolute difference and every failing row', () => {
    const report = compareScores([0, 0, 0], [0, 3e-5, -1e-4]);
    expect(report.failing).toEqual([1, 2]);
    expect(report.maxAbsDiff).toBeCloseTo(1e-4, 12);
    expect(PARITY_TOLERANCE).toBe(1e-5);
  });

  it('treats NaN and a length mismatch as failures', () => {
    expect(compareScores([0.1], [Number.NaN]).failing).toEqual([0]);
    expect(compareScores([0.1, 0.2], [0.1]).failing).toEqual([-1]);
  });
});
