import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { MARKETS } from '../../producers/orders/markets.js';
import { type OrderSimulationOptions, OrderSimulator } from '../../producers/orders/order-simulator.js';

const MONDAY = Date.UTC(2024, 0, 8);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function run(options: OrderSimulationOptions) {
  const truth: GroundTruth[] = [];
  const sim = new OrderSimulator({ ...options, onTruth: (t) => truth.push(t) });
  const orders: Order[] = [];
  for (let o = sim.next(); o !== null; o = sim.next()) orders.push(o);
  return { sim, orders, truth };
}

function digest(options: OrderSimulationOptions): string {
  const hash = createHash('sha256');
  for (const o of run(options).orders) hash.update(`${JSON.stringify(o)}\n`);
  return hash.digest('hex');
}

describe('order simulator determinism', () => {
  const base = { start: MONDAY, end: MONDAY + DAY, stores: 4 };

  it('gives the same sha256 for the same seed and a different one for another seed', () => {
    const a = digest({ ...base, seed: 1 });
    expect(digest({ ...base, seed: 1 })).toBe(a);
    expect(digest({ ...base, seed: 2 })).not.toBe(a);
  });

  it('is deterministic for any seed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const options = { seed, start: MONDAY, end: MONDAY + 6 * HOUR, stores: 3, anomaliesPerStorePerDay: 8 };
        const first = digest(options);
        return digest(options) === first;
      }),
      { numRuns: 15 },
    );
  });

  it('produces well-formed orders in time order (without late arrivals)', () => {
    const { orders } = run({ ...base, seed: 3, duplicateRate: 0, lateRate: 0, anomaliesPerStorePerDay: 0 });
    expect(orders.length).toBeGreaterThan(1000);
    const problems: string[] = [];
    let last = 0;
    for (const o of orders) {
      if (o.eventTime < last) problems.push(`order at ${o.eventTime} after ${last}`);
      last = o.eventTime;
      if (!(o.amount > 0) || o.items < 1) problems.push(`${o.eventId}: amount ${o.amount}, items ${o.items}`);
      if (!MARKETS.some((m) => m.currency === o.currency)) problems.push(`${o.eventId}: currency ${o.currency}`);
    }
    expect(problems).toEqual([]);
    expect(new Set(orders.map((o) => o.eventId)).size).toBe(orders.length);
  });
});

describe('order simulator seasonality', () => {
  // One German store (UTC+1) for four weeks: enough orders for stable hourly and daily shares.
  const { orders } = run({
    seed: 4,
    start: MONDAY,
    end: MONDAY + 28 * DAY,
    stores: 2,
    ordersPerMinute: 3,
    anomaliesPerStorePerDay: 0,
    duplicateRate: 0,
    lateRate: 0,
  });
  const german = orders.filter((o) => o.storeId === 'store-002');

  it('has quiet nights and a busy evening (local time)', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const o of german) byHour[(new Date(o.eventTime).getUTCHours() + 1) % 24]! += 1;
    expect(byHour[20]!).toBeGreaterThan(4 * byHour[3]!);
    expect(byHour[12]!).toBeGreaterThan(2 * byHour[3]!);
  });

  it('sells more on Saturdays than on Tuesdays', () => {
    const byDay = new Array<number>(7).fill(0);
    for (const o of german) byDay[new Date(o.eventTime + HOUR).getUTCDay()]! += 1;
    expect(byDay[6]!).toBeGreaterThan(1.15 * byDay[2]!);
  });

  it('arrives as a Poisson process: counts per quiet-hour slot have variance close to their mean', () => {
    // Same local hour on the four Mondays..Fridays: rate is constant within the slot.
    const counts: number[] = [];
    for (let day = 0; day < 28; day++) {
      if (day % 7 >= 5) continue;
      const from = MONDAY + day * DAY + 9 * HOUR; // 10:00 local
      counts.push(german.filter((o) => o.eventTime >= from && o.eventTime < from + 10 * 60_000).length);
    }
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const variance = counts.reduce((a, b) => a + (b - mean) ** 2, 0) / (counts.length - 1);
    expect(variance / mean).toBeGreaterThan(0.3);
    expect(variance / mean).toBeLessThan(2.5);
  });
});

describe('order simulator anomalies', () => {
  const { orders, truth } = run({
    seed: 6,
    start: MONDAY,
    end: MONDAY + 4 * DAY,
    stores: 6,
    ordersPerMinute: 8,
    anomaliesPerStorePerDay: 3,
    duplicateRate: 0,
    lateRate: 0,
  });
  const ofStore = (t: GroundTruth) => orders.filter((o) => o.storeId === t.key);
  const inSpan = (t: GroundTruth) => ofStore(t).filter((o) => o.eventTime >= t.start && o.eventTime <= t.end);

  it('reports every anomaly kind as ground truth', () => {
    expect(new Set(truth.map((t) => t.kind))).toEqual(
      new Set(['outage', 'bot_burst', 'absurd_basket', 'payment_failure_spike']),
    );
    for (const t of truth) {
      expect(t.stream).toBe('orders');
      expect(t.end).toBeGreaterThanOrEqual(t.start);
    }
  });

  it('outage: no orders at all during the span', () => {
    const outages = truth.filter((t) => t.kind === 'outage');
    expect(outages.length).toBeGreaterThan(0);
    for (const t of outages) expect(inSpan(t)).toEqual([]);
  });

  it('bot burst: order rate many times the hour before, tiny baskets', () => {
    const bursts = truth.filter((t) => t.kind === 'bot_burst');
    expect(bursts.length).toBeGreaterThan(0);
    for (const t of bursts) {
      const during = inSpan(t);
      // The hour before, without orders of an earlier anomaly of this store (a burst may follow a burst).
      const earlier = truth.filter((e) => e.key === t.key && e !== t);
      const before = ofStore(t).filter(
        (o) =>
          o.eventTime >= t.start - HOUR &&
          o.eventTime < t.start &&
          !earlier.some((e) => o.eventTime >= e.start && o.eventTime <= e.end),
      );
      const rateDuring = during.length / (t.end - t.start);
      const rateBefore = Math.max(1, before.length) / HOUR;
      expect(rateDuring).toBeGreaterThan(4 * rateBefore);
      expect(during.filter((o) => o.items === 1).length / during.length).toBeGreaterThan(0.8);
    }
  });

  it('absurd basket: one order with hundreds of items and a huge amount at the marked time', () => {
    const absurd = truth.filter((t) => t.kind === 'absurd_basket');
    expect(absurd.length).toBeGreaterThan(0);
    for (const t of absurd) {
      const order = ofStore(t).find((o) => o.eventTime === t.start);
      expect(order?.items).toBeGreaterThanOrEqual(200);
      const market = MARKETS.find((m) => m.currency === order?.currency)!;
      expect(order?.amount).toBeGreaterThan(200 * market.medianItemPrice);
    }
  });

  it('payment-failure spike: failure share far above the normal ~6%', () => {
    const spikes = truth.filter((t) => t.kind === 'payment_failure_spike');
    expect(spikes.length).toBeGreaterThan(0);
    for (const t of spikes) {
      const during = inSpan(t);
      if (during.length < 20) continue;
      const failed = during.filter((o) => o.paymentOutcome !== 'approved').length / during.length;
      expect(failed).toBeGreaterThan(0.2);
    }
    const normal = orders.filter(
      (o) => !truth.some((t) => t.key === o.storeId && o.eventTime >= t.start && o.eventTime <= t.end),
    );
    const normalFailed = normal.filter((o) => o.paymentOutcome !== 'approved').length / normal.length;
    expect(normalFailed).toBeGreaterThan(0.03);
    expect(normalFailed).toBeLessThan(0.09);
  });
});

describe('order simulator data problems', () => {
  it('re-sends duplicates with the same eventId and delivers late orders at the configured rates', () => {
    const { sim, orders } = run({
      seed: 8,
      start: MONDAY,
      end: MONDAY + 2 * DAY,
      stores: 5,
      duplicateRate: 0.02,
      lateRate: 0.02,
    });
    const ids = new Set<string>();
    let duplicates = 0;
    let late = 0;
    let newest = 0;
    for (const o of orders) {
      if (ids.has(o.eventId)) duplicates++;
      else if (newest - o.eventTime >= 30_000) late++;
      ids.add(o.eventId);
      newest = Math.max(newest, o.eventTime);
    }
    const n = sim.stats.generated;
    expect(duplicates).toBeGreaterThan(0.02 * n * 0.75);
    expect(duplicates).toBeLessThan(0.02 * n * 1.25);
    expect(late).toBeGreaterThan(0.02 * n * 0.75);
    expect(late).toBeLessThan(0.02 * n * 1.25);
  });
});
