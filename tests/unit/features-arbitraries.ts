/** fast-check generators for the feature engine's property tests: random sets and nasty event sequences. */
import fc from 'fast-check';
import { defineFeatureSet, type FeatureEvent, type FeatureSet } from '../../core/features/index.js';

export const T0 = 1_700_000_000_000;

export const featureSetArb: fc.Arbitrary<FeatureSet> = fc
  .record({
    windows: fc.uniqueArray(fc.constantFrom(1_000, 2_000, 3_500, 5_000, 10_000, 30_000), {
      minLength: 1,
      maxLength: 3,
    }),
    latenessShare: fc.double({ min: 0, max: 0.95, noNaN: true }),
    minSpanFraction: fc.constantFrom(0, 0.5, 0.9, 1),
    minEvents: fc.constantFrom(0, 3),
    ewmaHalfLifeFraction: fc.constantFrom(0.1, 0.25, 1),
  })
  .map((r) => {
    const longest = Math.max(...r.windows);
    return defineFeatureSet({
      name: 'prop',
      version: '1',
      stream: 'sensors',
      subject: 'pump',
      channels: ['a', 'b', { name: 'c', aggregations: ['count', 'sum', 'mean', 'last'] }],
      windowsMs: r.windows,
      aggregations: ['count', 'mean', 'std', 'min', 'max', 'last', 'delta', 'slope', 'ewma', 'zscore', 'missing_rate'],
      derived: [
        { name: 'a_per_b', op: 'ratio', left: 'a', right: 'b' },
        { name: 'a_minus_c', op: 'difference', left: 'a', right: 'c' },
      ],
      allowedLatenessMs: Math.floor(r.latenessShare * longest),
      warmup: { minSpanFraction: r.minSpanFraction, minEvents: r.minEvents },
      ewmaHalfLifeFraction: r.ewmaHalfLifeFraction,
    });
  });

const valueArb = fc.option(
  fc.integer({ min: -40, max: 40 }).map((i) => i / 4),
  { nil: undefined, freq: 6 },
);

const stepArb = fc.record({
  key: fc.constantFrom('k1', 'k2', 'k3'),
  // Mostly forward, sometimes backwards (out of order or late), sometimes the same millisecond.
  dt: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_500 }) },
    { weight: 2, arbitrary: fc.integer({ min: -12_000, max: -1 }) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 90_000 }) },
  ),
  duplicateOf: fc.option(fc.nat(), { nil: undefined, freq: 8 }),
  a: valueArb,
  b: valueArb,
  c: valueArb,
  nan: fc.boolean(),
});

/** Events of a few keys with out-of-order, late, duplicate, same-time, gap, missing and NaN values. */
export const eventsArb: fc.Arbitrary<FeatureEvent[]> = fc
  .array(stepArb, { minLength: 1, maxLength: 160 })
  .map((steps) => {
    const clock = new Map<string, number>();
    const events: FeatureEvent[] = [];
    steps.forEach((s, i) => {
      const time = (clock.get(s.key) ?? T0) + s.dt;
      if (s.dt > 0) clock.set(s.key, time);
      const values: Record<string, number> = {};
      if (s.a !== undefined) values.a = s.a;
      if (s.b !== undefined) values.b = s.b;
      if (s.c !== undefined) values.c = s.nan ? Number.NaN : s.c;
      const earlier =
        s.duplicateOf !== undefined && events.length > 0 ? events[s.duplicateOf % events.length] : undefined;
      if (earlier && earlier.key === s.key) {
        // A redelivery: same id, same time and values; sometimes the id is reused with another time.
        events.push(s.nan ? { ...earlier, eventTime: time } : earlier);
      } else {
        events.push({ key: s.key, eventId: `e${i}`, eventTime: time, values });
      }
    });
    return events;
  });

/** Relative tolerance 1e-9 against the larger magnitude (absolute near zero). */
export function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(actual), Math.abs(expected));
}

export function sameBits(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
