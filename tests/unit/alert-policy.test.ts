import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALERT_TRANSITIONS,
  type AlertPolicyConfig,
  type AlertStateSnapshot,
  alertPolicyFromConfig,
  createAlertPolicy,
  DEFAULT_ALERT_POLICY,
  defineAlertPolicy,
  type ScoredEvent,
  severityOf,
} from '../../core/alerts/index.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import type { Alert } from '../../core/events/types.js';
import { channelStatsReader, createFeatureEngine, deriveFeatureSet } from '../../core/features/index.js';

const policy = (over: Partial<AlertPolicyConfig> = {}): AlertPolicyConfig =>
  defineAlertPolicy({ ...DEFAULT_ALERT_POLICY, name: 'test', k: 2, n: 3, closeAfter: 2, cooldownMs: 10_000, ...over });

/** Scores at 1 s steps from t=0 for key k (threshold 1). */
function feed(config: AlertPolicyConfig, scores: readonly number[], key = 'k'): (Alert | undefined)[] {
  const p = createAlertPolicy(config, 'sensors');
  return scores.map((score, i) => p.evaluate(scored(key, i * 1_000, score)));
}

function scored(key: string, eventTime: number, score: number): ScoredEvent {
  return { key, eventTime, score, threshold: 1, modelName: 'm', modelVersion: '1', channels: [] };
}

describe('alert policy', () => {
  it('opens on k of n anomalous scores, not on fewer', () => {
    expect(feed(policy(), [2, 0, 0, 2, 0, 0]).filter(Boolean)).toEqual([]);
    const out = feed(policy(), [2, 0, 2]);
    expect(out[2]).toMatchObject({ state: 'open', openedAt: 2_000, eventTime: 2_000, closedAt: null, score: 2 });
    expect(out.slice(0, 2)).toEqual([undefined, undefined]);
  });

  it('opens at once on one score past openRatio x threshold, and not below it', () => {
    // k = 2 of 3 would need two anomalous scores; 5 >= openRatio 4 opens on the first one.
    expect(feed(policy({ openRatio: 4 }), [5, 0, 0])[0]).toMatchObject({ state: 'open', openedAt: 0 });
    expect(feed(policy({ openRatio: 4 }), [3.9, 0, 0]).filter(Boolean)).toEqual([]);
    expect(feed(policy({ openRatio: 0 }), [50, 0, 0]).filter(Boolean)).toEqual([]);
    expect(() => policy({ openRatio: 1 })).toThrow(/openRatio: must be 0 \(off\) or a ratio > 1/);
  });

  it('closes only after m consecutive scores below threshold * (1 - h) (hysteresis)', () => {
    // 0.95 is below the threshold but inside the hysteresis band (0.9 .. 1): it never counts towards closing.
    const out = feed(policy({ hysteresis: 0.1 }), [2, 2, 0.95, 0.95, 0.5, 0.95, 0.5, 0.5]);
    const closes = out.flatMap((a, i) => (a?.state === 'closed' ? [i] : []));
    expect(closes).toEqual([7]);
    expect(out[7]).toMatchObject({ closedAt: 7_000, openedAt: 1_000, alertId: out[1]!.alertId });
  });

  describe('hold after an operating-state change', () => {
    /** Scores at 1 s steps with the key's speed (share of range) at each. */
    function feedSpeeds(config: AlertPolicyConfig, steps: readonly [score: number, speed: number][]) {
      const p = createAlertPolicy(config, 'sensors');
      return steps.map(([score, speed], i) => p.evaluate({ ...scored('k', i * 1_000, score), speed }));
    }
    const hold = policy({ k: 2, n: 2, stateChangeHoldMs: 10_000 });
    const running = (n: number, score = 0): [number, number][] => Array.from({ length: n }, () => [score, 0.8]);
    const stopped = (n: number, score = 0): [number, number][] => Array.from({ length: n }, () => [score, 0]);
    const opened = (out: (Alert | undefined)[]) => out.flatMap((a, i) => (a?.state === 'open' ? [i] : []));

    it('opens nothing while a stop is confirmed nor for the hold after; an anomaly that outlasts it opens then', () => {
      // Running, then stopped from t=10 s: changing at 10 s, stopped confirmed at its 5th reading (15 s), hold to 25 s.
      const out = feedSpeeds(hold, [...running(10), ...stopped(20, 2)]);
      expect(opened(out)).toEqual([25]);
      // The same scores without the hold open at once.
      expect(opened(feedSpeeds(policy({ k: 2, n: 2 }), [...running(10), ...stopped(20, 2)]))).toEqual([11]);
    });

    it('holds from the first reading of a speed change (a coast-down), before the speed is low', () => {
      // Anomalous from the first reading of the ramp down (t=10 s): held while it changes and for the hold after.
      const ramp: [number, number][] = [0.7, 0.5, 0.3, 0.15, 0.05, 0.02, 0.01].map((speed) => [2, speed]);
      const out = feedSpeeds(hold, [...running(10), ...ramp, ...stopped(30, 2)]);
      expect(opened(out)[0]).toBeGreaterThan(10 + ramp.length + 10);
    });

    it('does not count the first state a key shows as a change', () => {
      expect(opened(feedSpeeds(hold, stopped(6, 2)))).toEqual([1]);
    });

    it('takes a speed excursion of fewer than 5 readings for a spike: held while seen, no hold after', () => {
      // A 3-reading excursion of the speed channel while running (t=10..12 s), anomalous scores from t=10 s.
      const out = feedSpeeds(hold, [...running(10), ...stopped(3, 2), ...running(3, 2)]);
      expect(opened(out)).toEqual([14]);
    });

    it('keeps the hold across a snapshot and restore', () => {
      const a = createAlertPolicy(hold, 'sensors');
      for (const [i, [score, speed]] of [...running(10), ...stopped(6)].entries()) {
        a.evaluate({ ...scored('k', i * 1_000, score), speed });
      }
      const snapshot = JSON.parse(JSON.stringify(a.snapshot('k'))) as AlertStateSnapshot;
      const b = createAlertPolicy(hold, 'sensors');
      b.restore('k', snapshot);
      const after = [16, 17, 18, 30, 31].map((t) => b.evaluate({ ...scored('k', t * 1_000, 2), speed: 0 })?.state);
      expect(after).toEqual([undefined, undefined, undefined, 'open', undefined]);
      // A snapshot written before the hold existed restores with no state known and no hold.
      const { lastSpeed: _l, lastSpeedAt: _t, operatingState: _s, candidateState: _c, ...rest } = snapshot;
      const { candidateCount: _n, holdUntil: _h, ...old } = rest;
      const c = createAlertPolicy(hold, 'sensors');
      c.restore('k', old);
      expect(c.evaluate({ ...scored('k', 16_000, 2), speed: 0 })).toBeUndefined();
      expect(c.evaluate({ ...scored('k', 17_000, 2), speed: 0 })?.state).toBe('open');
    });
  });

  it('waits for the cool-down (event time) before opening again for the same key', () => {
    const config = policy({ cooldownMs: 5_000 });
    // open at 1s, close at 3s, anomalous again from 4s: cool-down until 8s.
    const out = feed(config, [2, 2, 0, 0, 2, 2, 2, 2, 2, 2]);
    const states = out.map((a) => a?.state ?? '-');
    expect(states).toEqual(['-', 'open', '-', 'closed', '-', '-', '-', '-', 'open', '-']);
    expect(out[8]!.alertId).not.toBe(out[1]!.alertId);
  });

  it('grades severity by the score/threshold ratio and emits an update when it rises', () => {
    const bands = { medium: 1.1, high: 1.25, critical: 1.5 };
    expect([1.05, 1.1, 1.3, 1.5, 9].map((s) => severityOf(s, 1, bands))).toEqual([
      'low',
      'medium',
      'high',
      'critical',
      'critical',
    ]);
    expect(severityOf(-0.5, -1, bands)).toBe('critical'); // 50% past a negative threshold
    const out = feed(policy(), [1.05, 1.05, 1.3, 1.2, 2]);
    expect(out.map((a) => a && `${a.state}:${a.severity}`)).toEqual([
      undefined,
      'open:low',
      'open:high',
      undefined,
      'open:critical',
    ]);
  });

  it('names the perturbed channel as the top contributor, with its normal band in engineering units', () => {
    const set = deriveFeatureSet('pump', ['flow', 'pressure', 'vibration'], {
      windowsMs: [60_000],
      allowedLatenessMs: 5_000,
      warmupSpanFraction: 0.5,
      warmupMinEvents: 0,
    });
    const engine = createFeatureEngine(set);
    const reader = channelStatsReader(set);
    const alerts = createAlertPolicy(policy({ k: 1, n: 1 }), 'sensors');
    let opened: Alert | undefined;
    for (let i = 0; i < 120 && opened === undefined; i++) {
      const wobble = Math.sin(i) * 0.1;
      const values = { flow: 50 + wobble, pressure: 3 + wobble / 10, vibration: i < 100 ? 1 + wobble : 9 };
      const r = engine.process({ key: 'pump-1', eventId: `e${i}`, eventTime: i * 1_000, values });
      if (r.verdict !== 'ACCEPTED' || !r.ready) continue;
      const channels = reader.read(r.vector);
      // A stand-in model: the largest |z| is the score.
      const score = Math.max(...channels.map((c) => Math.abs(c.zScore))) / 4;
      opened = alerts.evaluate({
        key: 'pump-1',
        eventTime: i * 1_000,
        score,
        threshold: 1,
        modelName: 'm',
        modelVersion: '1',
        channels,
      });
    }
    expect(opened?.eventTime).toBe(100_000);
    const top = opened!.contributors[0]!;
    expect(top.channel).toBe('vibration');
    expect(top.value).toBe(9);
    expect(top.normalLow).toBeLessThan(9);
    expect(top.zScore).toBeGreaterThan(4);
    expect(opened!.contributors).toHaveLength(3);
  });

  it('derives alert ids from policy, key and opened time: a replay gets the same ids, another key does not', () => {
    const scores = [2, 2, 0, 0, 0, 2, 2];
    const a = feed(policy({ cooldownMs: 0 }), scores, 'k1');
    const b = feed(policy({ cooldownMs: 0 }), scores, 'k1');
    const c = feed(policy({ cooldownMs: 0 }), scores, 'k2');
    const ids = (out: (Alert | undefined)[]) => out.flatMap((x) => (x ? [x.alertId] : []));
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a)[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids(a)).size).toBe(2);
    expect(ids(c)[0]).not.toBe(ids(a)[0]);
    expect(feed(policy({ name: 'other', cooldownMs: 0 }), scores, 'k1')[1]!.alertId).not.toBe(ids(a)[0]);
  });

  it('gives identical alerts after snapshot -> JSON -> restore at random points', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'b'),
            score: fc.double({ min: 0, max: 3, noNaN: true }),
            speed: fc.constantFrom(0, 0.05, 0.8, 0.81, undefined),
          }),
          { maxLength: 200 },
        ),
        fc.uniqueArray(fc.nat(), { maxLength: 5 }),
        (steps, cutsRaw) => {
          const config = policy({ k: 2, n: 4, closeAfter: 3, cooldownMs: 3_000, stateChangeHoldMs: 4_000 });
          const events = steps.map((s, i) => ({ ...scored(s.key, i * 1_000, s.score), speed: s.speed }));
          const straight = createAlertPolicy(config, 'sensors');
          const expected = events.map((e) => straight.evaluate(e));
          const cuts = new Set(cutsRaw.map((c) => c % Math.max(1, events.length)));
          let p = createAlertPolicy(config, 'sensors');
          const actual = events.map((e, i) => {
            if (cuts.has(i)) {
              const saved = [...p.keys()].map((k) => [k, JSON.stringify(p.snapshot(k))] as const);
              p = createAlertPolicy(config, 'sensors');
              for (const [k, json] of saved) p.restore(k, JSON.parse(json) as AlertStateSnapshot);
            }
            return p.evaluate(e);
          });
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('declares its transitions as a table and validates its settings', () => {
    expect(ALERT_TRANSITIONS.idle.kOfNAnomalous).toEqual({ to: 'open', emit: 'opened' });
    expect(ALERT_TRANSITIONS.cooling.kOfNAnomalous).toBeUndefined();
    try {
      defineAlertPolicy({
        ...DEFAULT_ALERT_POLICY,
        name: 'x',
        k: 6,
        n: 5,
        severityBands: { medium: 2, high: 1.5, critical: 3 },
      });
      expect.unreachable('invalid');
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_ALERTS_INVALID_POLICY')).toBe(true);
      expect((error as Error).message).toContain('k (6) must be <= n (5)');
      expect((error as Error).message).toContain('must increase strictly');
    }
    const fromEnv = alertPolicyFromConfig('sensors.default', configWith({ VIGIL_ALERT_K: '2' }).alerts);
    expect(fromEnv).toMatchObject({ k: 2, n: 60, openRatio: 4, cooldownMs: 900_000, severityBands: { medium: 1.1 } });
    expect(() => configWith({ VIGIL_ALERT_K: '61' })).toThrow(/VIGIL_ALERT_K \(61\) must be <= VIGIL_ALERT_N/);
    expect(() => configWith({ VIGIL_ALLOWED_LATENESS: '20m' })).toThrow(/VIGIL_ALLOWED_LATENESS/);
  });
});
