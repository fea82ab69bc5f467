/**
 * Per-channel summary read back from a feature vector: what the alert policy needs to name the channels that
 * drove an alert (value in engineering units, mean, std and z-score of the longest window, mean and std of the
 * shortest, and the channel's normal from the model's reference when there is one). Read from the vector (not
 * the engine's state) because scores come back after the engine has moved on to later events.
 */
import type { ChannelNormal } from './channel-normals.js';
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
  /** Mean, std and count of the shortest window (the longest again when the set has one window). */
  readonly recentMean: number;
  readonly recentStd: number;
  readonly recentCount: number;
  /** Least-squares slope of the shortest window, per minute (0 without the feature), and that window's length. */
  readonly recentSlope: number;
  readonly recentWindowMs: number;
  /** Share of the key's events in the shortest window that lack this channel (0 without the feature). */
  readonly recentMissingRate: number;
  /** What is normal for this channel of the asset type (model reference); undefined without one. */
  readonly normal?: ChannelNormal;
}

export interface ChannelStatsReader {
  /** Channels whose last, mean and std over the longest window are features of the set. */
  readonly channels: readonly string[];
  read(vector: Float64Array, normals?: ReadonlyMap<string, ChannelNormal>): ChannelStat[];
}

export function channelStatsReader(set: FeatureSet): ChannelStatsReader {
  const longest = windowLabel(set.windowsMs[set.windowsMs.length - 1]!);
  const recentWindowMs = set.windowsMs[0]!;
  const shortest = windowLabel(recentWindowMs);
  const index = new Map(set.featureNames.map((name, i) => [name, i]));
  const readable = set.channels.flatMap((c) => {
    const at = (agg: string, window = longest) => index.get(`${c.name}.w${window}.${agg}`);
    const [last, mean, std, count] = [at('last'), at('mean'), at('std'), at('count')];
    if (last === undefined || mean === undefined || std === undefined) return [];
    const [recentMean, recentStd] = [at('mean', shortest) ?? mean, at('std', shortest) ?? std];
    const recentCount = at('count', shortest) ?? count;
    const recentMissing = at('missing_rate', shortest);
    const recentSlope = at('slope', shortest);
    return [
      {
        channel: c.name,
        last,
        mean,
        std,
        count,
        zscore: at('zscore'),
        recentMean,
        recentStd,
        recentCount,
        recentMissing,
        recentSlope,
      },
    ];
  });
  return {
    channels: readable.map((r) => r.channel),
    read(vector, normals) {
      const stats: ChannelStat[] = [];
      for (const r of readable) {
        if (r.count !== undefined && vector[r.count] === 0) continue;
        const value = vector[r.last]!;
        const mean = vector[r.mean]!;
        const std = vector[r.std]!;
        const zScore = r.zscore !== undefined ? vector[r.zscore]! : std > 0 ? (value - mean) / std : 0;
        stats.push({
          channel: r.channel,
          value,
          mean,
          std,
          zScore,
          recentMean: vector[r.recentMean]!,
          recentStd: vector[r.recentStd]!,
          // Without a count feature the window is taken as full: only a flat recent window relies on it.
          recentCount: r.recentCount !== undefined ? vector[r.recentCount]! : Number.POSITIVE_INFINITY,
          recentSlope: r.recentSlope !== undefined ? vector[r.recentSlope]! : 0,
          recentWindowMs,
          recentMissingRate: r.recentMissing !== undefined ? vector[r.recentMissing]! : 0,
          normal: normals?.get(r.channel),
        });
      }
      return stats;
    },
  };
}
