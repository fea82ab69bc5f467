/**
 * The order simulator: N stores merged into one stream in time order, with duplicates and late arrivals, and
 * ground truth for every injected anomaly. A pull source like the plant simulator (`peekTime`/`next`, no clock).
 */
import type { Order } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { TimeHeap } from '../simulation/min-heap.js';
import { ORDER_ANOMALY_KINDS, type OrderAnomalyKind, StoreSimulator } from './store-simulator.js';

export interface OrderSimulationOptions {
  readonly seed: number;
  readonly start: number;
  /** Exclusive end of event time; omitted = endless (real time). */
  readonly end?: number;
  readonly stores?: number;
  /** Median order rate per store, orders per minute. */
  readonly ordersPerMinute?: number;
  readonly anomaliesPerStorePerDay?: number;
  readonly anomalyMix?: Partial<Record<OrderAnomalyKind, number>>;
  /** Fraction of orders re-sent with the same eventId. */
  readonly duplicateRate?: number;
  /** Fraction of orders arriving late, delayed by lateDelayMs[0]..[1]. */
  readonly lateRate?: number;
  readonly lateDelayMs?: readonly [number, number];
  readonly onTruth?: (truth: GroundTruth) => void;
}

export const ORDER_DEFAULTS = {
  stores: 5,
  ordersPerMinute: 2,
  anomaliesPerStorePerDay: 1,
  duplicateRate: 0.001,
  lateRate: 0.001,
  lateDelayMs: [30_000, 600_000] as const,
};

export interface OrderSimulationStats {
  generated: number;
  emitted: number;
  duplicates: number;
  late: number;
  anomalies: number;
}

export class OrderSimulator {
  readonly stats: OrderSimulationStats = { generated: 0, emitted: 0, duplicates: 0, late: 0, anomalies: 0 };
  readonly stores: readonly StoreSimulator[];
  private readonly due = new TimeHeap<StoreSimulator>();
  private readonly delayed = new TimeHeap<Order>();
  private delayedCount = 0;
  private readonly duplicateRate: number;
  private readonly lateRate: number;
  private readonly lateDelayMs: readonly [number, number];

  constructor(options: OrderSimulationOptions) {
    const end = options.end ?? Number.POSITIVE_INFINITY;
    this.duplicateRate = options.duplicateRate ?? ORDER_DEFAULTS.duplicateRate;
    this.lateRate = options.lateRate ?? ORDER_DEFAULTS.lateRate;
    this.lateDelayMs = options.lateDelayMs ?? ORDER_DEFAULTS.lateDelayMs;
    const mix = Object.fromEntries(ORDER_ANOMALY_KINDS.map((k) => [k, options.anomalyMix?.[k] ?? 1])) as Record<
      OrderAnomalyKind,
      number
    >;
    const settings = {
      ordersPerMinute: options.ordersPerMinute ?? ORDER_DEFAULTS.ordersPerMinute,
      anomaliesPerStorePerDay: options.anomaliesPerStorePerDay ?? ORDER_DEFAULTS.anomaliesPerStorePerDay,
      anomalyMix: mix,
    };
    const onTruth = (truth: GroundTruth) => {
      this.stats.anomalies++;
      options.onTruth?.(truth);
    };
    const count = options.stores ?? ORDER_DEFAULTS.stores;
    this.stores = Array.from(
      { length: count },
      (_, i) => new StoreSimulator(i, options.seed, options.start, end, settings, onTruth),
    );
    for (const store of this.stores)
      if (store.nextTime !== Number.POSITIVE_INFINITY) this.due.push(store.nextTime, store.order, store);
  }

  peekTime(): number {
    return Math.min(this.due.peekTime(), this.delayed.peekTime());
  }

  next(): Order | null {
    for (;;) {
      const dueAt = this.due.peekTime();
      if (this.delayed.size > 0 && this.delayed.peekTime() <= dueAt) {
        this.stats.emitted++;
        return this.delayed.pop() as Order;
      }
      if (dueAt === Number.POSITIVE_INFINITY) return null;
      const store = this.due.pop() as StoreSimulator;
      const order = store.take();
      if (store.nextTime !== Number.POSITIVE_INFINITY) this.due.push(store.nextTime, store.order, store);
      this.stats.generated++;
      const rng = store.problems;
      if (rng.chance(this.duplicateRate)) {
        this.stats.duplicates++;
        this.delayed.push(order.eventTime + rng.int(0, 5_000), this.delayedCount++, order);
      }
      if (rng.chance(this.lateRate)) {
        this.stats.late++;
        this.delayed.push(
          order.eventTime + rng.int(this.lateDelayMs[0], this.lateDelayMs[1]),
          this.delayedCount++,
          order,
        );
        continue;
      }
      this.stats.emitted++;
      return order;
    }
  }
}
