import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFeatureEngine,
  type FeatureEngine,
  type FeatureEvent,
  type FeatureSet,
  type KeyStateSnapshot,
  type ProcessResult,
} from '../../core/features/index.js';
import { close, eventsArb, featureSetArb, sameBits } from './features-arbitraries.js';
import { referenceRun } from './features-reference.js';

const RUNS = { numRuns: 150 };

function runAll(engine: FeatureEngine, events: readonly FeatureEvent[]): ProcessResult[] {
  return events.map((e) => {
    const r = engine.process(e);
    return r.verdict === 'ACCEPTED' ? { ...r, vector: r.vector.slice() } : r;
  });
}

function expectBitIdentical(a: readonly ProcessResult[], b: readonly ProcessResult[]): void {
  expect(b.map((r) => r.verdict)).toEqual(a.map((r) => r.verdict));
  expect(b.map((r) => r.ready)).toEqual(a.map((r) => r.ready));
  a.forEach((r, i) => {
    const other = b[i]!;
    if (r.verdict === 'ACCEPTED' && other.verdict === 'ACCEPTED') {
      expect(sameBits(r.vector, other.vector), `event ${i}`).toBe(true);
    }
  });
}

describe('feature engine properties', () => {
  it('equals a brute-force recomputation from the definition (late, out-of-order, duplicate, missing, NaN)', () => {
    fc.assert(
      fc.property(featureSetArb, eventsArb, (set, events) => {
        const actual = runAll(createFeatureEngine(set), events);
        const expected = referenceRun(set, events);
        expect(actual.map((r) => r.verdict)).toEqual(expected.map((r) => r.verdict));
        actual.forEach((r, i) => {
          const ref = expected[i]!;
          if (r.verdict !== 'ACCEPTED') return;
          expect(r.ready, `ready of event ${i}`).toBe(ref.ready);
          r.vector.forEach((x, f) => {
            if (!close(x, ref.vector![f]!)) {
              throw new Error(`event ${i} ${set.featureNames[f]}: engine ${x} vs reference ${ref.vector![f]}`);
            }
          });
        });
      }),
      RUNS,
    );
  });

  it('gives bit-identical vectors whatever the interleaving of keys (batching, rebalancing)', () => {
    fc.assert(
      fc.property(featureSetArb, eventsArb, (set, events) => {
        const together = runAll(createFeatureEngine(set), events);
        // Each key alone in its own engine, as after a rebalance that moved every key to another processor.
        const apart: ProcessResult[] = new Array(events.length);
        for (const key of new Set(events.map((e) => e.key))) {
          const engine = createFeatureEngine(set);
          events.forEach((e, i) => {
            if (e.key !== key) return;
            const r = engine.process(e);
            apart[i] = r.verdict === 'ACCEPTED' ? { ...r, vector: r.vector.slice() } : r;
          });
        }
        expectBitIdentical(together, apart);
      }),
      RUNS,
    );
  });

  it('gives bit-identical vectors after snapshot -> JSON -> restore at random points', () => {
    fc.assert(
      fc.property(
        featureSetArb,
        eventsArb,
        fc.uniqueArray(fc.nat(), { maxLength: 6 }),
        (set: FeatureSet, events, cutsRaw) => {
          const uninterrupted = runAll(createFeatureEngine(set), events);
          const cuts = new Set(cutsRaw.map((c) => c % events.length));
          let engine = createFeatureEngine(set);
          const resumed: ProcessResult[] = [];
          events.forEach((e, i) => {
            if (cuts.has(i)) {
              const saved = [...engine.keys()].map((k) => [k, JSON.stringify(engine.snapshot(k))] as const);
              engine = createFeatureEngine(set);
              for (const [k, json] of saved) engine.restore(k, JSON.parse(json) as KeyStateSnapshot);
            }
            const r = engine.process(e);
            resumed.push(r.verdict === 'ACCEPTED' ? { ...r, vector: r.vector.slice() } : r);
          });
          expectBitIdentical(uninterrupted, resumed);
        },
      ),
      RUNS,
    );
  });

  it('does not leak: changing the values of events newer than t never changes the vector at t', () => {
    fc.assert(
      fc.property(featureSetArb, eventsArb, fc.nat(), (set, events, pick) => {
        const results = runAll(createFeatureEngine(set), events);
        const accepted = results.flatMap((r, i) => (r.verdict === 'ACCEPTED' ? [i] : []));
        const i = accepted[pick % accepted.length]!;
        const t = events[i]!.eventTime;
        const changed = events.map((e) =>
          e.eventTime > t ? { ...e, values: Object.fromEntries(Object.keys(e.values).map((k) => [k, 1e3])) } : e,
        );
        const after = runAll(createFeatureEngine(set), changed);
        const before = results[i]!;
        const now = after[i]!;
        expect(now.verdict).toBe('ACCEPTED');
        if (before.verdict === 'ACCEPTED' && now.verdict === 'ACCEPTED') {
          expect(sameBits(before.vector, now.vector)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('keeps state bounded: only events within longest window + lateness of the newest one are retained', () => {
    fc.assert(
      fc.property(featureSetArb, eventsArb, (set, events) => {
        const engine = createFeatureEngine(set);
        runAll(engine, events);
        const reference = referenceRun(set, events);
        const retention = set.windowsMs[set.windowsMs.length - 1]! + set.allowedLatenessMs;
        let expected = 0;
        for (const key of engine.keys()) {
          const accepted = events.filter((e, i) => e.key === key && reference[i]!.verdict === 'ACCEPTED');
          const newest = Math.max(...accepted.map((e) => e.eventTime));
          expected += accepted.filter((e) => e.eventTime > newest - retention).length;
        }
        expect(engine.stats().retainedEvents).toBe(expected);
      }),
      RUNS,
    );
  });
});
