import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, matchEvents, prf, quantile } from '../../evaluation/metrics.js';
import { emptyTally, type FaultSpan } from '../../evaluation/types.js';

const MIN = 60_000;
const DAY = 86_400_000;

describe('prf', () => {
  it('computes precision, recall and F1 from counts', () => {
    // tp 6, fp 2, fn 3: precision 6/8, recall 6/9, F1 = 2pr/(p+r) = 12/17
    const r = prf(6, 2, 3);
    expect(r.precision).toBeCloseTo(0.75, 12);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.f1).toBeCloseTo(12 / 17, 12);
  });

  it('says null, not 0 or 1, when a denominator is empty', () => {
    expect(prf(0, 0, 4)).toEqual({ precision: null, recall: 0, f1: null });
    expect(prf(0, 3, 0)).toEqual({ precision: 0, recall: null, f1: null });
    expect(prf(0, 3, 4)).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('keeps F1 between min and max of precision and recall', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(1000), (tp, fp, fn) => {
        const r = prf(tp + 1, fp, fn);
        expect(r.f1!).toBeGreaterThanOrEqual(Math.min(r.precision!, r.recall!) - 1e-12);
        expect(r.f1!).toBeLessThanOrEqual(Math.max(r.precision!, r.recall!) + 1e-12);
      }),
    );
  });
});

describe('quantile', () => {
  it('interpolates linearly between order statistics', () => {
    expect(quantile([10, 40, 20, 30], 0.5)).toBe(25);
    // position 0.9 * 3 = 2.7 -> 30 + 0.7 * 10
    expect(quantile([10, 40, 20, 30], 0.9)).toBeCloseTo(37, 12);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('lies between the minimum and the maximum and rises with q', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, q) => {
          const v = quantile(xs, q)!;
          expect(v).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(v).toBeLessThanOrEqual(Math.max(...xs));
          expect(quantile(xs, Math.min(1, q + 0.1))!).toBeGreaterThanOrEqual(v);
        },
      ),
    );
  });
});

describe('matchEvents', () => {
  const fault: FaultSpan = { key: 'P-1', kind: 'spike', start: 100 * MIN, end: 101 * MIN };

  it('detects a fault with an alert of its key opening between its start and end + grace', () => {
    const grace = 5 * MIN;
    const at = (openedAt: number, key = 'P-1') =>
      matchEvents([fault], [{ key, openedAt, closedAt: null }], grace, 1e12);
    expect(at(100 * MIN).faults[0]!.firstAlertAt).toBe(100 * MIN);
    expect(at(106 * MIN).faults[0]!.firstAlertAt).toBe(106 * MIN);
    expect(at(106 * MIN + 1).faults[0]!.firstAlertAt).toBeNull();
    expect(at(100 * MIN - 1).faults[0]!.firstAlertAt).toBeNull();
    expect(at(100 * MIN, 'P-2').faults[0]!.firstAlertAt).toBeNull();
  });

  it('takes the earliest of several alerts as the detection', () => {
    const m = matchEvents(
      [fault],
      [
        { key: 'P-1', openedAt: 101 * MIN, closedAt: 102 * MIN },
        { key: 'P-1', openedAt: 100.5 * MIN, closedAt: 100.8 * MIN },
      ],
      0,
      1e12,
    );
    expect(m.faults[0]!.firstAlertAt).toBe(100.5 * MIN);
  });

  it('calls an alert true when its span overlaps a fault ± grace, false otherwise', () => {
    const grace = 5 * MIN;
    const kindOf = (openedAt: number, closedAt: number | null) =>
      matchEvents([fault], [{ key: 'P-1', openedAt, closedAt }], grace, 200 * MIN).alerts[0]!.kind;
    expect(kindOf(94 * MIN, 96 * MIN)).toBe('spike'); // ends inside the grace before the start
    expect(kindOf(90 * MIN, 94 * MIN)).toBeNull(); // ends before start - grace
    expect(kindOf(50 * MIN, null)).toBe('spike'); // still open: lasts to the period end
    expect(kindOf(106 * MIN, 120 * MIN)).toBe('spike');
    expect(kindOf(107 * MIN, 120 * MIN)).toBeNull();
  });
});

describe('evaluate', () => {
  it('gives the hand-computed report of a small run', () => {
    const from = 0;
    const to = 2 * DAY;
    const faults: FaultSpan[] = [
      { key: 'A', kind: 'spike', start: 1 * 60 * MIN, end: 1 * 60 * MIN + 2000 },
      { key: 'A', kind: 'drift', start: 10 * 60 * MIN, end: 20 * 60 * MIN },
      { key: 'B', kind: 'spike', start: 5 * 60 * MIN, end: 5 * 60 * MIN },
      { key: 'B', kind: 'drift', start: 30 * 60 * MIN, end: 40 * 60 * MIN },
      // Starts after the period: not counted.
      { key: 'B', kind: 'spike', start: to + MIN, end: to + 2 * MIN },
    ];
    const alerts = [
      { key: 'A', openedAt: 60 * MIN + 30_000, closedAt: 70 * MIN }, // spike A, delay 30 s
      { key: 'A', openedAt: 12 * 60 * MIN, closedAt: 13 * 60 * MIN }, // drift A, delay 2 h
      { key: 'B', openedAt: 36 * 60 * MIN, closedAt: 37 * 60 * MIN }, // drift B, delay 6 h
      { key: 'B', openedAt: 24 * 60 * MIN, closedAt: 25 * 60 * MIN }, // false
      { key: 'C', openedAt: 3 * 60 * MIN, closedAt: null }, // false (C has no faults), open to the end
    ];
    const points = emptyTally();
    points.faults.set('spike', { readings: 4, flagged: 3 });
    points.faults.set('drift', { readings: 100, flagged: 40 });
    points.normal.readings = 1000;
    points.normal.flagged = 10;
    const r = evaluate({ faults, alerts, points, assets: 3, from, to, graceMs: 15 * MIN });

    expect(r.kinds.map((k) => k.kind)).toEqual(['drift', 'spike']);
    const [drift, spike] = r.kinds;
    expect(spike!.faults).toBe(2);
    expect(spike!.event.detected).toBe(1);
    expect(spike!.event.recall).toBe(0.5);
    // 1 true spike alert vs 2 false alerts
    expect(spike!.event.precision).toBeCloseTo(1 / 3, 12);
    expect(spike!.delayMs).toEqual({ median: 30_000, p90: 30_000 });
    expect(spike!.point.recall).toBe(0.75);
    expect(spike!.point.precision).toBeCloseTo(3 / 13, 12);

    expect(drift!.event.recall).toBe(1);
    expect(drift!.event.precision).toBe(0.5);
    expect(drift!.delayMs.median).toBe(4 * 60 * MIN);
    // p90 of [2h, 6h]: 2h + 0.9 * 4h
    expect(drift!.delayMs.p90).toBeCloseTo(2 * 60 * MIN + 0.9 * 4 * 60 * MIN, 6);
    expect(drift!.point.f1).toBeCloseTo(prf(40, 10, 60).f1!, 12);

    expect(r.overall.faults).toBe(4);
    expect(r.overall.event.recall).toBe(0.75);
    expect(r.overall.point).toMatchObject({ readings: 104, flagged: 43 });
    expect(r.alerts).toEqual({ total: 5, true: 3, false: 2 });
    // 2 false alerts / 3 assets / 2 days
    expect(r.falseAlertsPerAssetPerDay).toBeCloseTo(1 / 3, 12);
  });

  it('lets an alert just after the period detect a fault at its end without counting that alert', () => {
    const to = DAY;
    const r = evaluate({
      faults: [{ key: 'A', kind: 'stuck', start: to - MIN, end: to - 1 }],
      alerts: [{ key: 'A', openedAt: to + MIN, closedAt: to + 2 * MIN }],
      points: emptyTally(),
      assets: 1,
      from: 0,
      to,
      graceMs: 5 * MIN,
    });
    expect(r.kinds[0]!.event.detected).toBe(1);
    expect(r.alerts.total).toBe(0);
    expect(r.falseAlertsPerAssetPerDay).toBe(0);
  });

  it('never reports more detected faults than faults, nor more false alerts than alerts', () => {
    const span = fc.record({
      key: fc.constantFrom('A', 'B'),
      kind: fc.constantFrom('spike', 'stuck'),
      start: fc.integer({ min: 0, max: DAY }),
      length: fc.integer({ min: 0, max: 6 * 60 * MIN }),
    });
    const alert = fc.record({
      key: fc.constantFrom('A', 'B', 'C'),
      openedAt: fc.integer({ min: 0, max: DAY }),
      length: fc.option(fc.integer({ min: 0, max: 60 * MIN })),
    });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 20 }), fc.array(alert, { maxLength: 30 }), (fs, as) => {
        const r = evaluate({
          faults: fs.map((f) => ({ key: f.key, kind: f.kind, start: f.start, end: f.start + f.length })),
          alerts: as.map((a) => ({
            key: a.key,
            openedAt: a.openedAt,
            closedAt: a.length === null ? null : a.openedAt + a.length,
          })),
          points: emptyTally(),
          assets: 3,
          from: 0,
          to: DAY + 1,
          graceMs: 10 * MIN,
        });
        expect(r.overall.event.detected).toBeLessThanOrEqual(r.overall.faults);
        expect(r.alerts.false + r.alerts.true).toBe(r.alerts.total);
        expect(r.kinds.reduce((n, k) => n + k.event.detected, 0)).toBe(r.overall.event.detected);
        // Alerts on a key without faults are always false.
        const onC = as.filter((a) => a.key === 'C').length;
        expect(r.alerts.false).toBeGreaterThanOrEqual(onC);
      }),
    );
  });
});
