import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import { evaluate } from '../../evaluation/metrics.js';
import { formatReport, meetsTargets } from '../../evaluation/report-format.js';
import { describePolicy, parseSweep, policiesOf } from '../../evaluation/sweep.js';
import { emptyTally } from '../../evaluation/types.js';

const BASE = { ...DEFAULT_ALERT_POLICY, name: 'p' };

describe('alert-policy sweep', () => {
  it('parses settings and durations', () => {
    expect(parseSweep('k=2,3; n=10 ;cooldown=30s,5m,1h;hysteresis=0,0.2')).toEqual({
      k: [2, 3],
      n: [10],
      cooldown: [30_000, 300_000, 3_600_000],
      hysteresis: [0, 0.2],
    });
  });

  it('refuses unknown settings and bad values with the reason', () => {
    expect(() => parseSweep('m=3')).toThrow(/setting one of k, n, openRatio, closeAfter/);
    expect(() => parseSweep('openRatio=1')).toThrow(/0 \(off\) or a ratio > 1/);
    expect(() => parseSweep('k=0')).toThrow(/whole number >= 1/);
    expect(() => parseSweep('hysteresis=1')).toThrow(/\[0, 1\)/);
    expect(() => parseSweep('cooldown=soon')).toThrow(/30s, 5m/);
  });

  it('builds every combination, skipping k > n, keeping unnamed settings', () => {
    const policies = policiesOf(BASE, parseSweep('k=3,10;n=5,20'));
    expect(policies.map((p) => [p.k, p.n])).toEqual([
      [3, 5],
      [3, 20],
      [10, 20],
    ]);
    expect(policies.every((p) => p.cooldownMs === BASE.cooldownMs && p.closeAfter === BASE.closeAfter)).toBe(true);
    expect(describePolicy(policies[0]!)).toBe(
      'k=3 n=5 openRatio=0 closeAfter=5 hysteresis=0.1 cooldown=5m stateHold=0m',
    );
  });

  it('sweeps the hold after a state change as a duration', () => {
    const policies = policiesOf(BASE, parseSweep('stateHold=0,5m,90s'));
    expect(policies.map((p) => p.stateChangeHoldMs)).toEqual([0, 300_000, 90_000]);
    expect(() => parseSweep('stateHold=soon')).toThrow('stateHold value "soon" must look like 0, 30s, 5m, 1h');
  });
});

describe('report format', () => {
  it('marks the targets met and missed', () => {
    const points = emptyTally();
    points.normal.readings = 10;
    const base = { points, assets: 1, from: 0, to: 86_400_000, graceMs: 0 };
    const faults = [{ key: 'A', kind: 'spike', start: 1000, end: 1000 }];
    const hit = evaluate({ ...base, faults, alerts: [{ key: 'A', openedAt: 1000, closedAt: 2000 }] });
    const miss = evaluate({ ...base, faults, alerts: [{ key: 'A', openedAt: 5000, closedAt: 6000 }] });
    expect(meetsTargets(hit)).toBe(true);
    expect(meetsTargets(miss)).toBe(false);
    expect(formatReport(hit)).toMatch(/\| spike \| 1 \| 1 \| 1\.000 \(≥ 0\.9 ✓\)/);
    expect(formatReport(miss)).toMatch(/false alerts per asset per day: 1\.00 \(< 1 ✗\)/);
  });
});
