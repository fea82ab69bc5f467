import type { AlertContributor } from '../events/types.js';
import type { ChannelStat } from '../features/channel-stats.js';

/**
 * The channels that drove an alert: largest |z-score| of their last value against the longest window first
 * (ties by channel name, for determinism), each with its normal band mean +- sigmas * std.
 */
export function topContributors(channels: readonly ChannelStat[], count: number, sigmas: number): AlertContributor[] {
  return channels
    .filter((c) => Number.isFinite(c.zScore) && Number.isFinite(c.value))
    .sort((a, b) => Math.abs(b.zScore) - Math.abs(a.zScore) || (a.channel < b.channel ? -1 : 1))
    .slice(0, count)
    .map((c) => ({
      channel: c.channel,
      // + 0 turns -0 into 0 so the record survives JSON unchanged.
      value: c.value + 0,
      normalLow: c.mean - sigmas * c.std + 0,
      normalHigh: c.mean + sigmas * c.std + 0,
      zScore: c.zScore + 0,
    }));
}
