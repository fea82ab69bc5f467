import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AlertPolicyConfig, DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { channelSpecs, defaultPlant, speedChannel } from '../../core/plant/catalogue.js';
import { type BatchScorer, ScoringPipeline, sensorStream, staticModels } from '../../core/scoring/index.js';
import { runOffline } from '../../evaluation/offline-run.js';
import { PointTallier } from '../../evaluation/point-tally.js';
import { ScoreTrace } from '../../evaluation/score-trace.js';
import type { FaultSpan } from '../../evaluation/types.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const MIN = 60_000;

describe('PointTallier', () => {
  const faults: FaultSpan[] = [
    { key: 'A', kind: 'spike', start: 10 * MIN, end: 10 * MIN },
    { key: 'A', kind: 'stuck', start: 30 * MIN, end: 40 * MIN },
  ];

  it('puts a reading inside a fault under its kind, in the grace after it aside, elsewhere under normal', () => {
    const t = new PointTallier(faults, 5 * MIN);
    t.add('A', 10 * MIN, true); // spike (end inclusive)
    t.add('A', 12 * MIN, true); // after the spike
    t.add('A', 15 * MIN + 1, false); // normal again
    t.add('A', 30 * MIN, false); // stuck
    t.add('A', 40 * MIN, true); // stuck
    t.add('A', 9 * MIN, true); // normal, before any fault
    t.add('B', 35 * MIN, true); // other key: normal
    const tally = t.tally();
    expect(tally.faults.get('spike')).toEqual({ readings: 1, flagged: 1 });
    expect(tally.faults.get('stuck')).toEqual({ readings: 2, flagged: 1 });
    expect(tally.afterFault).toEqual({ readings: 1, flagged: 1 });
    expect(tally.normal).toEqual({ readings: 3, flagged: 2 });
  });

  it('equals a brute-force classification on random non-overlapping faults', () => {
    const arb = fc.record({
      gaps: fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 30 })), { maxLength: 6 }),
      readings: fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.boolean()), { maxLength: 80 }),
      grace: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(arb, ({ gaps, readings, grace }) => {
        const fs: FaultSpan[] = [];
        let at = 0;
        gaps.forEach(([gap, length], i) => {
          const start = at + gap;
          fs.push({ key: 'K', kind: i % 2 === 0 ? 'x' : 'y', start, end: start + length });
          at = start + length + 1;
        });
        const t = new PointTallier(fs, grace);
        const expected = { x: 0, y: 0, after: 0, normal: 0 };
        for (const [time, flagged] of readings) {
          t.add('K', time, flagged);
          const inside = fs.find((f) => time >= f.start && time <= f.end);
          const latest = fs.filter((f) => f.start <= time).at(-1);
          if (inside) expected[inside.kind as 'x']++;
          else if (latest && time <= latest.end + grace) expected.after++;
          else expected.normal++;
        }
        const tally = t.tally();
        expect(tally.faults.get('x')?.readings ?? 0).toBe(expected.x);
        expect(tally.faults.get('y')?.readings ?? 0).toBe(expected.y);
        expect(tally.afterFault.readings).toBe(expected.after);
        expect(tally.normal.readings).toBe(expected.normal);
      }),
    );
  });
});

describe('ScoreTrace', () => {
  it('refuses a threshold change within a key (a static run has one model per key)', () => {
    const trace = new ScoreTrace();
    trace.add('A', 1, 0.5, 1);
    expect(() => trace.add('A', 2, 0.5, 2)).toThrow(/threshold changed/);
  });

  /** A simulated run of `type` assets through the pipeline with a stand-in model, `policy` and the stream's states. */
  async function scoredRun(type: string, start: number, minutes: number, policy: AlertPolicyConfig) {
    const stream = sensorStream(
      { windowsMs: [60_000, 300_000], allowedLatenessMs: 30_000, warmupSpanFraction: 0.5, warmupMinEvents: 0 },
      (t) => channelSpecs(t)?.map((c) => c.name),
      (t) => speedChannel(t),
    );
    // A stand-in model: the largest |z-score| feature, so faults the simulator injects raise it.
    const zScorer: BatchScorer = {
      async scoreBatch(rows, n) {
        const names = stream.featureSet(type)!.featureNames;
        const z = names.flatMap((name, i) => (name.endsWith('.zscore') ? [i] : []));
        const width = rows.length / n;
        const out = new Float32Array(n);
        for (let r = 0; r < n; r++) for (const i of z) out[r] = Math.max(out[r]!, Math.abs(rows[r * width + i]!));
        return out;
      },
    };
    const model = {
      name: 'm',
      version: '1',
      role: 'production' as const,
      threshold: 3,
      featureSetHash: '',
      scorer: zScorer,
    };
    const plant = { ...defaultPlant(), assets: defaultPlant().assets.filter((a) => a.type === type) };
    const sim = new PlantSimulator(plant, { seed: 3, start, end: start + minutes * MIN, assets: 2 });
    const events: SensorReading[] = [];
    for (let r = sim.next(); r !== null; r = sim.next()) events.push(r);
    const run = await runOffline({
      events,
      pipeline: new ScoringPipeline(stream, staticModels({ [type]: [model] }), policy),
      stream,
      batchSize: 333,
      scoredAt: 0,
    });
    expect(run.events).toBe(events.length);
    return run;
  }
  const sort = (a: { key: string; openedAt: number }[]) =>
    [...a].sort((x, y) => x.key.localeCompare(y.key) || x.openedAt - y.openedAt);

  it('replays the same alerts the pipeline opened and closed', async () => {
    const policy = { ...DEFAULT_ALERT_POLICY, name: 'test', cooldownMs: 30_000 };
    const run = await scoredRun('pump', Date.UTC(2026, 0, 5, 8), 90, policy);
    expect(run.alerts.length).toBeGreaterThan(0);
    expect(sort(run.trace.replayAlerts(policy))).toEqual(sort(run.alerts));
    // Another policy gives other alerts from the same scores: fewer with a stricter k.
    expect(run.trace.replayAlerts({ ...policy, k: 5, n: 5 }).length).toBeLessThanOrEqual(run.alerts.length);
  });

  it('keeps the speeds, so a replay holds alerts after a start-up as the pipeline did', async () => {
    // Motors of the assembly line start with the shift (Monday 06:00 plus a stagger of up to 10 min).
    const held = { ...DEFAULT_ALERT_POLICY, name: 'test', cooldownMs: 30_000, stateChangeHoldMs: 5 * MIN };
    const run = await scoredRun('motor', Date.UTC(2026, 0, 5, 5, 40), 60, held);
    expect(sort(run.trace.replayAlerts(held))).toEqual(sort(run.alerts));
    // Each motor stood still, then ran (NaN: a reading without its speed channel).
    for (const s of run.trace.series()) {
      const known = [...s.speeds].filter((v) => !Number.isNaN(v));
      expect(Math.min(...known)).toBeLessThan(0.01);
      expect(Math.max(...known)).toBeGreaterThan(0.5);
    }
    // Without the hold, the start-ups open alerts the hold kept back.
    const unheld = run.trace.replayAlerts({ ...held, stateChangeHoldMs: 0 });
    expect(unheld.length).toBeGreaterThan(run.alerts.length);
  });
});
