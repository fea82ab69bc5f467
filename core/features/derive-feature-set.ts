/**
 * Feature sets built from defaults, without code: a brand-new asset type imported from a CSV gets one from its
 * channel names, and the order stream gets its fixed business features.
 */
import type { Order, SensorReading } from '../events/types.js';
import type { FeatureEvent } from './feature-event.js';
import { type Aggregation, defineFeatureSet, type FeatureSet, type Warmup } from './feature-set.js';

/** The deployment-wide defaults: `config.features` (core/config/sections/features.ts) has these fields. */
export interface FeatureDefaults {
  readonly windowsMs: readonly number[];
  readonly allowedLatenessMs: number;
  readonly warmupSpanFraction: number;
  readonly warmupMinEvents: number;
}

function warmupOf(defaults: Pick<FeatureDefaults, 'warmupSpanFraction' | 'warmupMinEvents'>): Warmup {
  return { minSpanFraction: defaults.warmupSpanFraction, minEvents: defaults.warmupMinEvents };
}

/**
 * A sensor feature set for an asset type from its channel names: every default aggregation of every channel over
 * the default windows. Channels are sorted so the hash does not depend on the column order of an import.
 */
export function deriveFeatureSet(
  assetType: string,
  channelNames: readonly string[],
  defaults: FeatureDefaults,
  version = '1',
): FeatureSet {
  return defineFeatureSet({
    name: `sensors.${assetType}`,
    version,
    stream: 'sensors',
    subject: assetType,
    channels: [...new Set(channelNames)].sort(),
    windowsMs: [...defaults.windowsMs],
    allowedLatenessMs: defaults.allowedLatenessMs,
    warmup: warmupOf(defaults),
  });
}

/** Order channels: amount (currency units), items, failed (1 when the payment was declined or errored). */
export const ORDER_CHANNELS = ['amount', 'items', 'failed'] as const;

/**
 * Per store: order count and revenue (amount count / sum), mean basket (amount mean), mean items per order,
 * payment-failure rate (failed mean). Windows default to 5, 15 and 60 minutes.
 */
export function orderFeatureSet(
  defaults: Omit<FeatureDefaults, 'windowsMs'> & { readonly orderWindowsMs?: readonly number[] },
  version = '1',
): FeatureSet {
  const amountAggs: Aggregation[] = ['count', 'sum', 'mean'];
  return defineFeatureSet({
    name: 'orders.store',
    version,
    stream: 'orders',
    subject: 'store',
    channels: [
      { name: 'amount', aggregations: amountAggs },
      { name: 'items', aggregations: ['mean'] },
      { name: 'failed', aggregations: ['mean'] },
    ],
    windowsMs: [...(defaults.orderWindowsMs ?? [300_000, 900_000, 3_600_000])],
    allowedLatenessMs: defaults.allowedLatenessMs,
    warmup: warmupOf(defaults),
  });
}

export function orderToFeatureEvent(order: Order): FeatureEvent {
  return {
    key: order.storeId,
    eventId: order.eventId,
    eventTime: order.eventTime,
    values: { amount: order.amount, items: order.items, failed: order.paymentOutcome === 'approved' ? 0 : 1 },
  };
}

export function readingToFeatureEvent(reading: SensorReading): FeatureEvent {
  return { key: reading.assetId, eventId: reading.eventId, eventTime: reading.eventTime, values: reading.channels };
}
