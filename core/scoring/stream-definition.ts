/**
 * A stream is configuration, not code (issue: "two stream declarations that differ only in configuration"):
 * how to read its key, subject and feature input from an event, and which feature set each subject uses.
 */
import type { Order, SensorReading } from '../events/types.js';
import {
  deriveFeatureSet,
  type FeatureDefaults,
  type FeatureEvent,
  type FeatureSet,
  orderFeatureSet,
  orderToFeatureEvent,
  readingToFeatureEvent,
} from '../features/index.js';

export type StreamName = 'sensors' | 'orders';

export interface StreamDefinition<E> {
  readonly name: StreamName;
  keyOf(event: E): string;
  eventIdOf(event: E): string;
  eventTimeOf(event: E): number;
  /** Asset type for sensors, `store` for orders: selects the feature set and the model. */
  subjectOf(event: E): string;
  toFeatureEvent(event: E): FeatureEvent;
  /** The subject's feature set; undefined when the subject is unknown (its events are not scored). */
  featureSet(subject: string): FeatureSet | undefined;
  /** The key's speed as a share of its range at this event (alert policy hold, ScoredEvent.speed); undefined: unknown. */
  speedOf?(event: E): number | undefined;
}

export interface OrderStreamDefaults extends FeatureDefaults {
  readonly orderWindowsMs: readonly number[];
}

/** Channel names of each known asset type (the plant catalogue, plus asset types registered by imports). */
export type ChannelNamesOf = (assetType: string) => readonly string[] | undefined;

/** The channel that tells whether an asset of a type runs (its speed), with its physical range; undefined: none. */
export type SpeedChannelOf = (assetType: string) => { readonly name: string; min: number; max: number } | undefined;

export function sensorStream(
  defaults: FeatureDefaults,
  channelNamesOf: ChannelNamesOf,
  speedChannelOf: SpeedChannelOf = () => undefined,
): StreamDefinition<SensorReading> {
  const sets = new Map<string, FeatureSet>();
  // Asked for every scored reading: each type's speed channel is looked up once (plant types do not change, and
  // types registered by imports declare none).
  const speedChannels = new Map<string, ReturnType<SpeedChannelOf>>();
  return {
    name: 'sensors',
    keyOf: (r) => r.assetId,
    eventIdOf: (r) => r.eventId,
    eventTimeOf: (r) => r.eventTime,
    subjectOf: (r) => r.assetType,
    toFeatureEvent: readingToFeatureEvent,
    featureSet(subject) {
      let set = sets.get(subject);
      if (set === undefined) {
        // Unknown subjects are asked again next time: a type may be registered meanwhile (an import).
        const channels = channelNamesOf(subject);
        if (channels === undefined) return undefined;
        set = deriveFeatureSet(subject, channels, defaults);
        sets.set(subject, set);
      }
      return set;
    },
    speedOf(r) {
      let c = speedChannels.get(r.assetType);
      if (c === undefined && !speedChannels.has(r.assetType)) {
        c = speedChannelOf(r.assetType);
        speedChannels.set(r.assetType, c);
      }
      const value = c === undefined ? undefined : r.channels[c.name];
      if (c === undefined || value === undefined || !Number.isFinite(value)) return undefined;
      const range = c.max - c.min;
      return range > 0 && Number.isFinite(range) ? (value - c.min) / range : undefined;
    },
  };
}

export function orderStream(defaults: OrderStreamDefaults): StreamDefinition<Order> {
  const set = orderFeatureSet(defaults);
  return {
    name: 'orders',
    keyOf: (o) => o.storeId,
    eventIdOf: (o) => o.eventId,
    eventTimeOf: (o) => o.eventTime,
    subjectOf: () => 'store',
    toFeatureEvent: orderToFeatureEvent,
    featureSet: (subject) => (subject === 'store' ? set : undefined),
  };
}
