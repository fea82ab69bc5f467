import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCardText } from '../../core/model/card.js';
import type { DriftResult } from '../../monitoring/drift-job.js';
import { driftFindings } from '../../monitoring/drift-job.js';
import { binCounts, binIndex, jsDistance, psi } from '../../monitoring/drift-math.js';
import { formatDriftReport, sortWorstFirst } from '../../monitoring/drift-report.js';
import { driftTargets, expectedAlertRate } from '../../monitoring/drift-targets.js';
import { DEFAULT_DRIFT_THRESHOLDS, driftSeverity, isDrifted } from '../../monitoring/drift-thresholds.js';
import { windowLabel } from '../../monitoring/window-label.js';

const card = parseCardText(
  readFileSync(new URL('../fixtures/models/sensors-pump-pca/card.json', import.meta.url), 'utf8'),
);

describe('drift maths (hand-computed values)', () => {
  it('bins like the trainer: (-inf, e0], (e0, e1], ..., (e_last, +inf)', () => {
    const edges = [1, 2, 3];
    expect([0, 1, 1.5, 2, 2.0001, 3, 99].map((v) => binIndex(edges, v))).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect(binCounts(edges, [0, 1, 2, 3, 4, Number.NaN, Number.POSITIVE_INFINITY])).toEqual([2, 1, 1, 1]);
  });

  it('PSI of 50/50 against 80/20 is 0.3 ln 1.6 + 0.3 ln 2.5 = 0.41589', () => {
    expect(psi([50, 50], [80, 20])).toBeCloseTo(0.3 * Math.log(1.6) + 0.3 * Math.log(2.5), 12);
    expect(psi([50, 50], [80, 20])).toBeCloseTo(0.415888, 6);
  });

  it('PSI is 0 for the same proportions whatever the sample sizes', () => {
    expect(psi([10, 20, 70], [100, 200, 700])).toBeCloseTo(0, 12);
  });

  it('PSI floors empty bins at 1e-4 instead of going infinite', () => {
    // p = [1, 1e-4], q = [1e-4, 1]: 2 * (1 - 1e-4) * ln(1e4)
    expect(psi([1, 0], [0, 1])).toBeCloseTo(2 * 0.9999 * Math.log(1e4), 9);
  });

  it('JS distance: 0 for equal, 1 for disjoint, 0.27038 for 50/50 against 80/20', () => {
    expect(jsDistance([3, 3], [5, 5])).toBeCloseTo(0, 12);
    expect(jsDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jsDistance([50, 50], [80, 20])).toBeCloseTo(0.2703775, 6);
  });

  it('refuses histograms with different bins', () => {
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/bins/);
  });
});

describe('drift thresholds', () => {
  const t = DEFAULT_DRIFT_THRESHOLDS;
  it('drifts above PSI 0.2 or JS 0.2 with enough rows, never below the minimum rows', () => {
    expect(isDrifted({ psi: 0.21, jsDistance: 0.05, liveRows: 1000 }, t)).toBe(true);
    expect(isDrifted({ psi: 0.19, jsDistance: 0.21, liveRows: 1000 }, t)).toBe(true);
    expect(isDrifted({ psi: 0.19, jsDistance: 0.19, liveRows: 1000 }, t)).toBe(false);
    expect(isDrifted({ psi: 5, jsDistance: 0.9, liveRows: t.minRows - 1 }, t)).toBe(false);
  });
  it('is high severity from twice the PSI threshold', () => {
    expect(driftSeverity({ psi: 0.41, jsDistance: 0, liveRows: 1 }, t)).toBe('high');
    expect(driftSeverity({ psi: 0.39, jsDistance: 0, liveRows: 1 }, t)).toBe('medium');
  });
});

describe('drift targets from a model card', () => {
  it('measures the score, the alert rate and every feature of the card in order', () => {
    const targets = driftTargets(card);
    expect(targets.map((t) => t.name)).toEqual(['score', 'alert_rate', ...card.featureSet.features]);
    for (const t of targets) expect(t.reference).toHaveLength(t.edges.length + 1);
    expect(targets[0]!.reference).toEqual(card.reference.score.counts);
  });
  it('expects the alert rate the threshold rule was chosen for', () => {
    expect(expectedAlertRate(card)).toBe(0.01);
    const alertRate = driftTargets(card)[1]!;
    expect(alertRate.edges).toEqual([0.5]);
    expect(alertRate.reference[1]! / (alertRate.reference[0]! + alertRate.reference[1]!)).toBeCloseTo(0.01, 12);
  });
});

function result(target: string, psiValue: number, drifted: boolean, liveRows = 500): DriftResult {
  return {
    computedAt: 0,
    window: '1h',
    windowMs: 3_600_000,
    stream: 'sensors',
    model: 'sensors-pump',
    version: 'v1',
    kind: 'feature',
    target,
    psi: psiValue,
    jsDistance: psiValue / 2,
    liveRows,
    liveCounts: [],
    referenceCounts: [],
    drifted,
  };
}

describe('drift report and findings', () => {
  const results = [result('a', 0.05, false), result('b', 0.9, true), result('c', 0.3, true), result('d', 0.15, false)];
  it('lists drifted targets first, worst PSI first', () => {
    expect(sortWorstFirst(results).map((r) => r.target)).toEqual(['b', 'c', 'd', 'a']);
    const text = formatDriftReport(results);
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+MODEL\s+VERSION\s+WINDOW\s+KIND\s+TARGET\s+PSI\s+JS\s+ROWS$/);
    expect(lines[1]).toMatch(/^DRIFT\s+sensors-pump\s+v1\s+1h\s+feature\s+b\s+0\.900/);
    expect(lines.at(-1)).toBe('2 of 4 measures drifted');
  });
  it('says so when there is nothing to report, and cuts at the limit', () => {
    expect(formatDriftReport([])).toMatch(/no live inferences/);
    expect(formatDriftReport(results, 2)).toMatch(/2 more lines/);
  });
  it('turns measures into drift findings; windows below the minimum rows are not judged', () => {
    const findings = driftFindings([...results, result('e', 3, false, 10)], DEFAULT_DRIFT_THRESHOLDS);
    expect(findings.map((f) => [f.subject, f.firing])).toEqual([
      ['sensors-pump/a/1h', false],
      ['sensors-pump/b/1h', true],
      ['sensors-pump/c/1h', true],
      ['sensors-pump/d/1h', false],
    ]);
    expect(findings[1]!.severity).toBe('high');
    expect(findings[1]!.message).toMatch(/b drifted over the last 1h \(PSI 0\.900 > 0\.2/);
  });
  it('labels windows compactly', () => {
    expect([3_600_000, 86_400_000, 900_000, 90_000, 1500].map(windowLabel)).toEqual([
      '1h',
      '1d',
      '15m',
      '90s',
      '1500ms',
    ]);
  });
});
