/**
 * A processor that restarts rebuilds a key's windows by replaying only its last two longest windows + lateness
 * of events (stream-processors/restore-tracker.ts). The vectors after the restart must equal an uninterrupted
 * run's bit for bit, wherever the restart falls in a long history (running sums recompute on an event-time grid).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFeatureEngine, deriveFeatureSet, type FeatureEvent } from '../../core/features/index.js';

const set = deriveFeatureSet('pump', ['flow', 'temp'], {
  windowsMs: [60_000, 300_000, 900_000],
  allowedLatenessMs: 30_000,
  warmupSpanFraction: 0.5,
  warmupMinEvents: 0,
});
/** As StreamRuntime.restoreSpanMs: two longest windows + lateness (one longest window + lateness is not enough). */
const RESTORE_SPAN = 2 * (900_000 + 30_000) - 30_000;

function history(seed: number, n: number): FeatureEvent[] {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
  const out: FeatureEvent[] = [];
  let t = Date.UTC(2026, 0, 1) + Math.floor(rand() * 3_600_000);
  for (let i = 0; i < n; i++) {
    t += 500 + Math.floor(rand() * 1500) + (rand() < 0.002 ? 600_000 : 0);
    // Now and then an event out of order within the lateness.
    const time = rand() < 0.02 ? t - Math.floor(rand() * 20_000) : t;
    out.push({
      key: 'k',
      eventId: `e${i}`,
      eventTime: time,
      values: { flow: 100 + rand() * 50, temp: 40 + rand() * 3 },
    });
  }
  return out;
}

describe('feature state rebuilt from the restore span', () => {
  it('gives bit-identical vectors after the restart point', () => {
    const events = history(7, 12_000); // about 3.5 hours at ~1 Hz
    const reference = createFeatureEngine(set);
    const vectors = events.map((e) => reference.process(e).vector);
    fc.assert(
      fc.property(fc.integer({ min: 3_000, max: events.length - 200 }), (cut) => {
        let newest = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < cut; i++) newest = Math.max(newest, events[i]!.eventTime);
        const restored = createFeatureEngine(set);
        // Accepted events of the span, in arrival order (what the raw table gives back).
        for (let i = 0; i < cut; i++) {
          if (events[i]!.eventTime > newest - RESTORE_SPAN && vectors[i] !== undefined) restored.process(events[i]!);
        }
        for (let i = cut; i < Math.min(cut + 200, events.length); i++) {
          const after = restored.process(events[i]!).vector;
          expect(after === undefined ? undefined : Array.from(after)).toEqual(
            vectors[i] === undefined ? undefined : Array.from(vectors[i]!),
          );
        }
      }),
      { numRuns: 25 },
    );
  });
});
