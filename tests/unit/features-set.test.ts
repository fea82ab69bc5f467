import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors.js';
import {
  channelStatsReader,
  createFeatureEngine,
  defineFeatureSet,
  deriveFeatureSet,
  orderFeatureSet,
  orderToFeatureEvent,
} from '../../core/features/index.js';

const defaults = {
  windowsMs: [60_000, 300_000, 900_000],
  allowedLatenessMs: 30_000,
  warmupSpanFraction: 0.9,
  warmupMinEvents: 0,
};

describe('feature set declarations', () => {
  it('names features channel.window.aggregation in vector order, then derived ones', () => {
    const set = defineFeatureSet({
      name: 'pumps',
      version: '2',
      stream: 'sensors',
      subject: 'pump',
      channels: ['vibration_rms', { name: 'flow', aggregations: ['last', 'mean'] }],
      windowsMs: [300_000, 60_000],
      aggregations: ['mean', 'count'],
      derived: [{ name: 'vib_per_flow', op: 'ratio', left: 'vibration_rms', right: 'flow' }],
      allowedLatenessMs: 10_000,
    });
    expect(set.windowsMs).toEqual([60_000, 300_000]);
    expect(set.featureNames).toEqual([
      'vibration_rms.w1m.count',
      'vibration_rms.w1m.mean',
      'vibration_rms.w5m.count',
      'vibration_rms.w5m.mean',
      'flow.w1m.mean',
      'flow.w1m.last',
      'flow.w5m.mean',
      'flow.w5m.last',
      'derived.vib_per_flow',
    ]);
    expect(createFeatureEngine(set).vectorLength).toBe(set.featureNames.length);
    expect(Object.isFrozen(set.channels[0])).toBe(true);
  });

  it('hashes the definition canonically: key order does not matter, any change does', () => {
    const a = deriveFeatureSet('pump', ['flow', 'pressure'], defaults);
    const b = deriveFeatureSet('pump', ['pressure', 'flow', 'flow'], { ...defaults });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(deriveFeatureSet('pump', ['flow', 'pressure'], { ...defaults, allowedLatenessMs: 1_000 }).hash).not.toBe(
      a.hash,
    );
    expect(deriveFeatureSet('pump', ['flow', 'pressure'], defaults, '2').hash).not.toBe(a.hash);
  });

  it('derives a set for a brand-new asset type from its channel names', () => {
    const set = deriveFeatureSet('kiln', ['temp_zone_1', 'fan_current'], defaults);
    expect(set.name).toBe('sensors.kiln');
    expect(set.channels.map((c) => c.name)).toEqual(['fan_current', 'temp_zone_1']);
    expect(set.featureNames).toContain('temp_zone_1.w15m.zscore');
    expect(set.featureNames).not.toContain('temp_zone_1.w15m.sum');
    expect(set.featureNames).toHaveLength(2 * 3 * 11);
  });

  it('lists every problem of an invalid declaration, with the fix for lateness', () => {
    try {
      defineFeatureSet({
        name: 'bad',
        version: '1',
        stream: 'sensors',
        subject: 'pump',
        channels: ['flow', 'flow', '9lives'],
        windowsMs: [60_000],
        derived: [{ name: 'r', op: 'ratio', left: 'flow', right: 'nope' }],
        allowedLatenessMs: 60_000,
      });
      expect.unreachable('the declaration is invalid');
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_FEATURES_INVALID_SET')).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('channels.2');
      expect(message).toContain('must be shorter than the longest window');
      expect(message).toContain('"flow" is declared twice');
      expect(message).toContain('channel "nope" is not declared');
    }
  });

  it('builds the order set (count, revenue, basket, failure rate over 5/15/60 min) and maps orders', () => {
    const set = orderFeatureSet(defaults);
    expect(set.featureNames.slice(0, 3)).toEqual(['amount.w5m.count', 'amount.w5m.sum', 'amount.w5m.mean']);
    expect(set.featureNames).toContain('failed.w1h.mean');
    expect(set.featureNames).toContain('items.w15m.mean');
    const event = orderToFeatureEvent({
      eventId: 'o1',
      storeId: 's1',
      eventTime: 1,
      amount: 12.5,
      currency: 'EUR',
      items: 2,
      paymentMethod: 'card',
      paymentOutcome: 'declined',
      country: 'FR',
      channel: 'web',
    });
    expect(event).toEqual({ key: 's1', eventId: 'o1', eventTime: 1, values: { amount: 12.5, items: 2, failed: 1 } });
  });
});

describe('feature engine examples', () => {
  const set = defineFeatureSet({
    name: 'ex',
    version: '1',
    stream: 'sensors',
    subject: 'pump',
    channels: ['x', 'y'],
    windowsMs: [10_000],
    aggregations: ['count', 'mean', 'std', 'min', 'max', 'last', 'delta', 'slope', 'zscore', 'missing_rate'],
    allowedLatenessMs: 5_000,
    warmup: { minSpanFraction: 0.5, minEvents: 0 },
  });
  const feature = (v: Float64Array, name: string) => v[set.featureNames.indexOf(name)];

  it('computes a hand-checked vector, then judges late and duplicate events', () => {
    const engine = createFeatureEngine(set);
    const at = (s: number) => 1_000_000 + s * 1_000;
    engine.process({ key: 'p', eventId: 'a', eventTime: at(0), values: { x: 1, y: 5 } });
    engine.process({ key: 'p', eventId: 'b', eventTime: at(2), values: { x: 3 } });
    const r = engine.process({ key: 'p', eventId: 'c', eventTime: at(4), values: { x: 5, y: 7 } });
    if (r.verdict !== 'ACCEPTED') throw new Error('expected accepted');
    expect(feature(r.vector, 'x.w10s.count')).toBe(3);
    expect(feature(r.vector, 'x.w10s.mean')).toBe(3);
    expect(feature(r.vector, 'x.w10s.std')).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(feature(r.vector, 'x.w10s.min')).toBe(1);
    expect(feature(r.vector, 'x.w10s.max')).toBe(5);
    expect(feature(r.vector, 'x.w10s.delta')).toBe(2);
    expect(feature(r.vector, 'x.w10s.slope')).toBeCloseTo(60, 9); // +1 per second
    expect(feature(r.vector, 'y.w10s.missing_rate')).toBeCloseTo(1 / 3, 12);
    expect(r.ready).toBe(false); // spans 4 s of a 10 s window, needs 5 s
    expect(engine.process({ key: 'p', eventId: 'c', eventTime: at(4), values: { x: 5 } }).verdict).toBe('DUPLICATE');
    engine.process({ key: 'p', eventId: 'd', eventTime: at(12), values: { x: 0 } });
    expect(engine.process({ key: 'p', eventId: 'e', eventTime: at(6), values: { x: 0 } }).verdict).toBe('LATE');
    const ooo = engine.process({ key: 'p', eventId: 'f', eventTime: at(8), values: { x: 100 } });
    expect(ooo.outOfOrder).toBe(true);
    // Its own window (-2 s, 8 s] holds a, b, c and itself, never d (12 s) which arrived earlier.
    if (ooo.verdict === 'ACCEPTED') expect(feature(ooo.vector, 'x.w10s.count')).toBe(4);
    const next = engine.process({ key: 'p', eventId: 'g', eventTime: at(13), values: { x: 1 } });
    if (next.verdict === 'ACCEPTED') expect(feature(next.vector, 'x.w10s.max')).toBe(100);
    expect(engine.stats()).toMatchObject({ accepted: 6, late: 1, duplicate: 1, outOfOrder: 1, keys: 1 });
  });

  it('refuses a snapshot of another feature set and a non-integer event time', () => {
    const engine = createFeatureEngine(set);
    engine.process({ key: 'p', eventId: 'a', eventTime: 1_000, values: { x: 1 } });
    const other = createFeatureEngine(deriveFeatureSet('pump', ['x', 'y'], defaults));
    expect(() => other.restore('p', engine.snapshot('p')!)).toThrow(/VIGIL|feature set hash/);
    expect(() => engine.process({ key: 'p', eventId: 'z', eventTime: 1.5, values: {} })).toThrow(/integer epoch/);
  });

  it('evicts idle keys by event-time watermark', () => {
    const engine = createFeatureEngine(set);
    engine.process({ key: 'old', eventId: 'a', eventTime: 1_000, values: { x: 1 } });
    engine.process({ key: 'new', eventId: 'b', eventTime: 100_000, values: { x: 1 } });
    expect(engine.evictIdle(100_000)).toEqual(['old']);
    expect([...engine.keys()]).toEqual(['new']);
  });

  it('reads per-channel stats of the longest window back from a vector', () => {
    const engine = createFeatureEngine(set);
    let last: Float64Array | undefined;
    [1, 2, 3, 10].forEach((x, i) => {
      const r = engine.process({ key: 'p', eventId: `e${i}`, eventTime: 1_000 * i, values: { x } });
      if (r.verdict === 'ACCEPTED') last = r.vector;
    });
    const stats = channelStatsReader(set).read(last!);
    expect(stats).toHaveLength(1); // y never seen
    expect(stats[0]).toMatchObject({ channel: 'x', value: 10, mean: 4 });
    expect(stats[0]!.zScore).toBeCloseTo(6 / Math.sqrt(12.5), 12);
  });
});
