/** The contributor ranking (core/alerts/contributors.ts) on hand-made channel summaries, one kind of evidence each. */
import { describe, expect, it } from 'vitest';
import { channelEvidence, FROZEN_SIGMAS, topContributors } from '../../core/alerts/index.js';
import type { ChannelStat } from '../../core/features/index.js';
import { channelNormals, defineFeatureSet, histogramQuantile } from '../../core/features/index.js';

/** A quiet channel around 10 with noise 1, full windows, no reference. */
function stat(channel: string, over: Partial<ChannelStat> = {}): ChannelStat {
  return {
    channel,
    value: 10,
    mean: 10,
    std: 1,
    zScore: 0,
    recentMean: 10,
    recentStd: 1,
    recentCount: 60,
    recentSlope: 0,
    recentWindowMs: 60_000,
    recentMissingRate: 0,
    ...over,
  };
}

const NORMAL = { mean: 10, meanSpread: 1, recentStd: 1 };

describe('alert contributors', () => {
  it('judges each channel on the evidence of its kind of fault', () => {
    expect(channelEvidence(stat('a', { value: 16, zScore: 6 }))).toEqual({ kind: 'spike', sigmas: 6 });
    expect(channelEvidence(stat('a', { recentMean: 14, std: 2 }))).toEqual({ kind: 'shift', sigmas: 2 });
    // A drift: the windows follow it (z ~ 0), the level is 7 spreads above the channel's normal.
    expect(channelEvidence(stat('a', { mean: 17, recentMean: 17, value: 17, normal: NORMAL }))).toEqual({
      kind: 'level',
      sigmas: 7,
    });
    expect(channelEvidence(stat('a', { recentStd: 5, normal: NORMAL }))).toEqual({ kind: 'noisy', sigmas: 4 });
    // A fast load change is a trend, not noise: 1 σ of noise left once the slope is taken out.
    const trend = Math.sqrt(12 * 24);
    expect(channelEvidence(stat('a', { recentStd: 5, recentSlope: trend, normal: NORMAL })).sigmas).toBeCloseTo(0, 6);
    expect(channelEvidence(stat('a', { recentCount: 57, recentMissingRate: 3 / 60 }))).toEqual({
      kind: 'missing',
      sigmas: 6,
    });
    expect(channelEvidence(stat('a', { recentCount: 59, recentMissingRate: 1 / 60 })).sigmas).toBe(0);
    expect(channelEvidence(stat('a', { recentStd: 0 }))).toEqual({ kind: 'frozen', sigmas: FROZEN_SIGMAS });
    // Flat over the whole longest window: frozen only when the reference says the channel moves by nature.
    expect(channelEvidence(stat('a', { recentStd: 0, std: 0 })).kind).toBe('spike');
    expect(channelEvidence(stat('a', { recentStd: 0, std: 0, normal: NORMAL })).kind).toBe('frozen');
  });

  it('ranks by strength, then name, with the value in engineering units and the band of the evidence', () => {
    const ranked = topContributors(
      [
        stat('flow', { value: 13, zScore: 3 }),
        stat('vibration', { mean: 17, value: 17.2, recentMean: 17, zScore: 0.2, normal: NORMAL }),
        stat('speed', { recentStd: 0 }),
        stat('pressure', { value: 13, zScore: 3 }),
      ],
      3,
      3,
    );
    expect(ranked).toEqual([
      { channel: 'vibration', value: 17.2, normalLow: 7, normalHigh: 13, zScore: 7 },
      { channel: 'speed', value: 10, normalLow: 7, normalHigh: 13, zScore: FROZEN_SIGMAS },
      { channel: 'flow', value: 13, normalLow: 7, normalHigh: 13, zScore: 3 },
    ]);
  });

  it('reads a channel normal from a model card reference (quantile edges, duplicates removed)', () => {
    expect(histogramQuantile({ edges: [59, 60], counts: [10, 90, 0] }, 0.5)).toBe(60);
    const set = defineFeatureSet({
      name: 't',
      version: '1',
      stream: 'sensors',
      subject: 'pump',
      channels: ['flow'],
      windowsMs: [60_000, 900_000],
      allowedLatenessMs: 30_000,
    });
    const deciles = (from: number, step: number) => ({
      edges: Array.from({ length: 9 }, (_, i) => from + i * step),
      counts: Array(10).fill(10),
    });
    const normals = channelNormals(set, {
      'flow.w15m.mean': deciles(100, 2.5631),
      'flow.w1m.std': deciles(1, 0.1),
    });
    const flow = normals.get('flow')!;
    expect(flow.mean).toBeCloseTo(100 + 4 * 2.5631, 9);
    expect(flow.meanSpread).toBeCloseTo((8 * 2.5631) / 2.5631, 9);
    expect(flow.recentStd).toBeCloseTo(1.4, 9);
  });
});
