/**
 * The engine's precomputed view of a feature set: numeric indices instead of names, so the hot path never looks
 * anything up by string except the channel values of the incoming event.
 */
import { AGGREGATIONS, type Aggregation, type FeatureSet } from './feature-set.js';

export const AGG = Object.fromEntries(AGGREGATIONS.map((a, i) => [a, i])) as Record<Aggregation, number>;

export interface FeatureLayout {
  readonly set: FeatureSet;
  readonly channelNames: readonly string[];
  readonly channelCount: number;
  readonly windowCount: number;
  readonly windowsMs: Float64Array;
  /** EWMA half-life per window (ms). */
  readonly halfLivesMs: Float64Array;
  readonly longestMs: number;
  /** Events older than newest - retention are dropped: longest window + allowed lateness. */
  readonly retentionMs: number;
  /** Aggregation codes (index in AGGREGATIONS) per channel. */
  readonly aggCodes: readonly Uint8Array[];
  /** Vector offset of (channel c, window w) at c * windowCount + w. */
  readonly offsets: Int32Array;
  readonly derived: readonly { op: string; left: number; right: number; epsilon: number; offset: number }[];
  readonly vectorLength: number;
}

export function featureLayout(set: FeatureSet): FeatureLayout {
  const channelNames = set.channels.map((c) => c.name);
  const windowCount = set.windowsMs.length;
  const offsets = new Int32Array(channelNames.length * windowCount);
  let offset = 0;
  set.channels.forEach((channel, c) => {
    for (let w = 0; w < windowCount; w++) {
      offsets[c * windowCount + w] = offset;
      offset += channel.aggregations.length;
    }
  });
  const derived = set.derived.map((f) => ({
    op: f.op,
    left: channelNames.indexOf(f.left),
    right: channelNames.indexOf(f.right),
    epsilon: f.epsilon,
    offset: offset++,
  }));
  const longestMs = set.windowsMs[windowCount - 1]!;
  return {
    set,
    channelNames,
    channelCount: channelNames.length,
    windowCount,
    windowsMs: Float64Array.from(set.windowsMs),
    halfLivesMs: Float64Array.from(set.windowsMs, (w) => w * set.ewmaHalfLifeFraction),
    longestMs,
    retentionMs: longestMs + set.allowedLatenessMs,
    aggCodes: set.channels.map((c) => Uint8Array.from(c.aggregations, (a) => AGG[a])),
    offsets,
    derived,
    vectorLength: offset,
  };
}
