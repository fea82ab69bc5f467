/**
 * One simulated store: Poisson order arrivals whose rate follows the store's daily and weekly seasonality, drawn
 * by thinning (Lewis & Shedler): candidates at the bound rate, each kept with probability rate(t) / bound.
 * Anomalies change the rate (outage: zero, bot burst: many times normal) or the orders themselves (absurd basket,
 * payment-failure spike), and each one is reported as a ground-truth record when it begins.
 */
import type { Order, PaymentOutcome } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { EventIdGenerator } from '../simulation/event-id.js';
import { hashString, Random } from '../simulation/random.js';
import {
  MARKETS,
  MAX_DAILY_FACTOR,
  MAX_WEEKLY_FACTOR,
  type Market,
  SALES_CHANNEL_WEIGHTS,
  SALES_CHANNELS,
  seasonality,
} from './markets.js';

export const ORDER_ANOMALY_KINDS = ['outage', 'bot_burst', 'absurd_basket', 'payment_failure_spike'] as const;
export type OrderAnomalyKind = (typeof ORDER_ANOMALY_KINDS)[number];

const MINUTE = 60_000;
const DAY = 86_400_000;
const OUTCOMES: readonly PaymentOutcome[] = ['approved', 'declined', 'error'];

interface Anomaly {
  readonly kind: OrderAnomalyKind;
  readonly start: number;
  readonly end: number;
  readonly severity: number;
}

export interface StoreSettings {
  /** Median of the stores' mean order rates, orders per minute (each store's own rate is spread around it). */
  readonly ordersPerMinute: number;
  /** Mean anomalies per store per simulated day. */
  readonly anomaliesPerStorePerDay: number;
  readonly anomalyMix: Readonly<Record<OrderAnomalyKind, number>>;
}

export class StoreSimulator {
  readonly storeId: string;
  readonly market: Market;
  /** Time of the next order (already accepted by thinning); +Infinity when none before the end. */
  nextTime = Number.POSITIVE_INFINITY;
  seq = 0;
  readonly problems: Random;
  private readonly arrivals: Random;
  private readonly orders: Random;
  private readonly anomalyRng: Random;
  private readonly ids: EventIdGenerator;
  private readonly baseRatePerMs: number;
  private readonly meanAnomalyGap: number;
  private readonly kinds: OrderAnomalyKind[];
  private readonly weights: number[];
  private anomaly: Anomaly | null = null;
  private nextAnomalyAt: number;
  private pendingAbsurd = false;

  constructor(
    readonly order: number,
    seed: number,
    start: number,
    private readonly end: number,
    settings: StoreSettings,
    private readonly onTruth: (truth: GroundTruth) => void,
  ) {
    this.storeId = `store-${String(order + 1).padStart(3, '0')}`;
    this.market = MARKETS[order % MARKETS.length] as Market;
    const storeSeed = hashString(this.storeId, seed);
    this.arrivals = new Random(storeSeed ^ 0x0a771fa1);
    this.orders = new Random(storeSeed ^ 0x0badcafe);
    this.anomalyRng = new Random(storeSeed ^ 0x0a0a11e5);
    this.problems = new Random(storeSeed ^ 0x0dd1ca7e);
    this.ids = new EventIdGenerator('vigil-orders', seed, this.storeId);
    const perMinute = Math.min(settings.ordersPerMinute * 15, this.arrivals.logNormal(settings.ordersPerMinute, 0.6));
    this.baseRatePerMs = perMinute / MINUTE;
    this.kinds = ORDER_ANOMALY_KINDS.filter((k) => settings.anomalyMix[k] > 0);
    this.weights = this.kinds.map((k) => settings.anomalyMix[k]);
    this.meanAnomalyGap =
      settings.anomaliesPerStorePerDay > 0 ? DAY / settings.anomaliesPerStorePerDay : Number.POSITIVE_INFINITY;
    this.nextAnomalyAt = start + Math.round(this.anomalyRng.exponential(this.meanAnomalyGap));
    this.nextTime = this.arrival(start);
  }

  /** Builds the order at `nextTime` and draws the next arrival. */
  take(): Order {
    const time = this.nextTime;
    const order = this.build(time);
    this.nextTime = this.arrival(time);
    return order;
  }

  /** Rate multiplier of the active anomaly at `time`. */
  private anomalyFactor(time: number): number {
    const a = this.anomaly;
    if (a === null || time < a.start || time > a.end) return 1;
    if (a.kind === 'outage') return 0;
    if (a.kind === 'bot_burst') return 10 + 20 * a.severity;
    return 1;
  }

  /** Next accepted arrival after `from` (thinning); anomaly boundaries restart the candidate draw. */
  private arrival(from: number): number {
    let t = from;
    for (;;) {
      this.updateAnomaly(t);
      const boundary = this.nextBoundary(t);
      const factorBound = this.anomaly !== null && this.anomaly.kind === 'bot_burst' && t <= this.anomaly.end ? 30 : 1;
      const bound = this.baseRatePerMs * MAX_DAILY_FACTOR * MAX_WEEKLY_FACTOR * factorBound;
      const candidate = t + Math.max(1, Math.round(this.arrivals.exponential(1 / bound)));
      if (candidate >= this.end) return Number.POSITIVE_INFINITY;
      if (candidate > boundary) {
        // Memorylessness of the exponential lets the draw restart at the boundary with the new bound.
        t = boundary;
        continue;
      }
      const rate = this.baseRatePerMs * seasonality(this.market, candidate) * this.anomalyFactor(candidate);
      if (this.arrivals.next() * bound < rate) return candidate;
      t = candidate;
    }
  }

  /** The next time the anomaly state changes after `t`. */
  private nextBoundary(t: number): number {
    const a = this.anomaly;
    if (a !== null && t < a.start) return a.start;
    if (a !== null && t <= a.end) return a.end + 1;
    return this.nextAnomalyAt;
  }

  private updateAnomaly(t: number): void {
    if (this.anomaly !== null && t > this.anomaly.end) this.anomaly = null;
    if (this.anomaly !== null || t < this.nextAnomalyAt || this.kinds.length === 0) return;
    const kind = this.anomalyRng.weighted(this.kinds, this.weights);
    const severity = Math.round(this.anomalyRng.uniform(0.2, 1) * 1000) / 1000;
    const start = this.nextAnomalyAt;
    const length =
      kind === 'outage'
        ? this.anomalyRng.uniform(10, 90) * MINUTE
        : kind === 'bot_burst'
          ? this.anomalyRng.uniform(2, 15) * MINUTE
          : kind === 'payment_failure_spike'
            ? this.anomalyRng.uniform(15, 60) * MINUTE
            : 0;
    const end = Math.round(start + length);
    this.nextAnomalyAt = end + Math.round(this.anomalyRng.exponential(this.meanAnomalyGap));
    if (kind === 'absurd_basket') {
      // A single order: its ground truth is written when that order is built, with the order's own time.
      this.pendingAbsurd = true;
      return;
    }
    if (start >= this.end) return;
    this.anomaly = { kind, start, end, severity };
    const channels =
      kind === 'outage' ? ['rate'] : kind === 'bot_burst' ? ['rate', 'amount', 'paymentOutcome'] : ['paymentOutcome'];
    this.onTruth({
      source: 'order-simulator',
      stream: 'orders',
      key: this.storeId,
      channels,
      kind,
      start,
      end: Math.min(end, this.end - 1),
      severity,
    });
  }

  private build(time: number): Order {
    const rng = this.orders;
    const m = this.market;
    const scale = 10 ** m.decimals;
    const a = this.anomaly !== null && time >= this.anomaly.start && time <= this.anomaly.end ? this.anomaly : null;
    let items: number;
    let amount: number;
    let method: string;
    let outcome: PaymentOutcome;
    let country = m.country;
    let channel: string;
    if (a?.kind === 'bot_burst') {
      // Card testing: tiny identical baskets from many countries, mostly declined.
      items = 1;
      amount = Math.round(m.medianItemPrice * 0.05 * scale) / scale || 1;
      method = 'card';
      outcome = rng.chance(0.7) ? 'declined' : 'approved';
      country = rng.pick(MARKETS).country;
      channel = 'web';
    } else {
      items = 1 + rng.poisson(1.4);
      amount = 0;
      for (let i = 0; i < items; i++) amount += rng.logNormal(m.medianItemPrice, 0.7);
      method = rng.weighted(m.paymentMethods, m.paymentWeights);
      const failure = a?.kind === 'payment_failure_spike' ? 0.3 + 0.5 * a.severity : 0.06;
      outcome = rng.next() < failure ? (rng.chance(0.7) ? 'declined' : 'error') : (OUTCOMES[0] as PaymentOutcome);
      if (rng.chance(0.08)) country = rng.pick(MARKETS).country;
      channel = rng.weighted(SALES_CHANNELS, SALES_CHANNEL_WEIGHTS);
      if (this.pendingAbsurd) {
        this.pendingAbsurd = false;
        const severity = Math.round(rng.uniform(0.2, 1) * 1000) / 1000;
        items = Math.round(200 + 4800 * severity);
        amount = items * m.medianItemPrice * rng.uniform(5, 50);
        this.onTruth({
          source: 'order-simulator',
          stream: 'orders',
          key: this.storeId,
          channels: ['amount', 'items'],
          kind: 'absurd_basket',
          start: time,
          end: time,
          severity,
        });
      }
    }
    const seq = this.seq++;
    return {
      eventId: this.ids.id(seq),
      storeId: this.storeId,
      eventTime: time,
      amount: Math.round(amount * scale) / scale,
      currency: m.currency,
      items,
      paymentMethod: method,
      paymentOutcome: outcome,
      country,
      channel,
    };
  }
}
