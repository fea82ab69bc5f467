/** Maintenance windows leave rows out of a training export; verdicts on alerts become labels (operator-annotations.ts). */
import { describe, expect, it } from 'vitest';
import { faultLabeler } from '../../training/export/labels.js';
import { inMaintenance, REAL_FAULT_LABEL, withVerdicts } from '../../training/export/operator-annotations.js';

const T = Date.UTC(2026, 5, 1);
const MIN = 60_000;

describe('training export annotations', () => {
  it('leaves out the rows of an asset inside its maintenance windows, ends included, and no other asset', () => {
    const excluded = inMaintenance([
      { key: 'P-101', start: T + 10 * MIN, end: T + 20 * MIN },
      { key: 'P-101', start: T + 60 * MIN, end: T + 61 * MIN },
    ]);
    expect(excluded('P-101', T + 9 * MIN)).toBe(false);
    expect(excluded('P-101', T + 10 * MIN)).toBe(true);
    expect(excluded('P-101', T + 20 * MIN)).toBe(true);
    expect(excluded('P-101', T + 20 * MIN + 1)).toBe(false);
    expect(excluded('P-101', T + 60.5 * MIN)).toBe(true);
    expect(excluded('P-102', T + 15 * MIN)).toBe(false);
  });

  it('labels a confirmed alert span anomalous, keeps false alarms normal and ground truth first', () => {
    const truth = faultLabeler([{ key: 'P-101', kind: 'drift', start: T + 100 * MIN, end: T + 200 * MIN }]);
    const label = withVerdicts(
      truth,
      [
        { key: 'P-101', verdict: 'real_fault', start: T + 10 * MIN, end: T + 20 * MIN },
        { key: 'P-101', verdict: 'false_alarm', start: T + 30 * MIN, end: T + 40 * MIN },
        // A real fault inside a ground-truth fault keeps the ground-truth kind.
        { key: 'P-101', verdict: 'real_fault', start: T + 150 * MIN, end: T + 160 * MIN },
        // Still open: labelled up to the end of the export.
        { key: 'P-102', verdict: 'real_fault', start: T + 300 * MIN, end: null },
        // Overlapping verdicts of one key: the real fault wins.
        { key: 'P-103', verdict: 'false_alarm', start: T, end: T + 10 * MIN },
        { key: 'P-103', verdict: 'real_fault', start: T + 5 * MIN, end: T + 6 * MIN },
      ],
      T + 400 * MIN,
    );
    expect(label('P-101', T + 5 * MIN)).toBeNull();
    expect(label('P-101', T + 10 * MIN)).toBe(REAL_FAULT_LABEL);
    expect(label('P-101', T + 20 * MIN)).toBe(REAL_FAULT_LABEL);
    expect(label('P-101', T + 35 * MIN)).toBeNull();
    expect(label('P-101', T + 155 * MIN)).toBe('drift');
    expect(label('P-102', T + 399 * MIN)).toBe(REAL_FAULT_LABEL);
    expect(label('P-102', T + 401 * MIN)).toBeNull();
    expect(label('P-103', T + 5.5 * MIN)).toBe(REAL_FAULT_LABEL);
    expect(label('P-103', T + 8 * MIN)).toBeNull();
  });
});
