/**
 * Per-channel summary of the longest window read back from a feature vector: what the alert policy needs to name
 * the channels that drove an alert (value in engineering units, mean, std, z-score). Read from the vector (not
 * the engine's state) because scores come back after the engine has moved on to later events.
 */
import type { FeatureSet } from './feature-set.js';
import { windowLabel } from './feature-set.js';

export interface ChannelStat {
  readonly channel: string;
  /** Last value in the longest window. */
  readonly value: number;
  readonly mean: number;
  readonly std: number;
  /** (value - mean) / std, 0 when std is 0. */
  readonly zScore: number;
}

export interface ChannelStatsReader {
  /** Channels whose last, mean and std over the longest window are features of the set. */
  readonly channels: readonly string[];
  read(vector: Float64Array): ChannelStat[];
}

export function channelStatsReader(set: FeatureSet): ChannelStatsReader {
  const longest = windowLabel(set.windowsMs[set.windowsMs.length - 1]!);
  const index = new Map(set.featureNames.map((name, i) => [name, i]));
  const readable = set.channels.flatMap((c) => {
    const at = (agg: string) => index.get(`${c.name}.w${longest}.${agg}`);
    const [last, mean, std, count] = [at('last'), at('mean'), at('std'), at('count')];
    if (last === undefined || mean === undefined || std === undefined) return [];
    return [{ channel: c.name, last, mean, std, count, zscore: at('zscore') }];
  });
  return {
    channels: readable.map((r) => r.channel),
    read(vector) {
      const stats: ChannelStat[] = [];
      for (const r of readable) {
        if (r.count !== undefined && vector[r.count] === 0) continue;
        const value = vector[r.last]!;
        const mean = vector[r.mean]!;
        const std = vector[r.std]!;
        const zScore = r.zscore !== undefined ? vector[r.zscore]! : std > 0 ? (value - mean) / std : 0;
        stats.push({ channel: r.channel, value, mean, std, zScore });
      }
      return stats;
    },
  };
}
