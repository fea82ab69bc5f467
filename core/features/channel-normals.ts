/**
 * What is normal for a channel of an asset type, from a model card's reference distributions (per-feature
 * quantile histograms of the normal training rows): the level of the longest-window mean and the spread of the
 * shortest window. The alert contributors need it because some faults cannot be seen inside the windows: a drift
 * over hours moves the window mean with it, and a sensor frozen longer than the longest window has a window std
 * of 0 just like a channel that is flat by nature.
 */
import type { FeatureSet } from './feature-set.js';
import { windowLabel } from './feature-set.js';

/** A reference histogram as model cards store it: quantile edges, one more count than edges. */
export interface FeatureHistogram {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

export interface ChannelNormal {
  /** Median of the longest-window mean over normal training rows. */
  readonly mean: number;
  /** Robust standard deviation of that mean: (p90 - p10) / 2.563; 0 when the reference cannot tell. */
  readonly meanSpread: number;
  /** Median of the shortest-window std over normal training rows. */
  readonly recentStd: number;
}

/** p90 - p10 of a normal distribution is 2.563 standard deviations. */
const P10_P90_SIGMAS = 2.5631;

/**
 * The edge at which the histogram's cumulative count first reaches share `p`: cards keep quantile edges with
 * duplicates removed, so the counts, not the edge positions, say which quantile an edge is.
 */
export function histogramQuantile(h: FeatureHistogram, p: number): number | undefined {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0 || h.edges.length === 0) return undefined;
  let cumulative = 0;
  for (let i = 0; i < h.edges.length; i++) {
    cumulative += h.counts[i]!;
    if (cumulative / total >= p) return h.edges[i];
  }
  return h.edges[h.edges.length - 1];
}

/** Normals of the channels whose longest-window mean and shortest-window std have a reference histogram. */
export function channelNormals(
  set: FeatureSet,
  reference: Readonly<Record<string, FeatureHistogram>>,
): ReadonlyMap<string, ChannelNormal> {
  const longest = windowLabel(set.windowsMs[set.windowsMs.length - 1]!);
  const shortest = windowLabel(set.windowsMs[0]!);
  const out = new Map<string, ChannelNormal>();
  for (const c of set.channels) {
    const meanRef = reference[`${c.name}.w${longest}.mean`];
    const stdRef = reference[`${c.name}.w${shortest}.std`];
    if (meanRef === undefined || stdRef === undefined) continue;
    const mean = histogramQuantile(meanRef, 0.5);
    const p10 = histogramQuantile(meanRef, 0.1);
    const p90 = histogramQuantile(meanRef, 0.9);
    const recentStd = histogramQuantile(stdRef, 0.5);
    if (mean === undefined || p10 === undefined || p90 === undefined || recentStd === undefined) continue;
    out.set(c.name, { mean, meanSpread: (p90 - p10) / P10_P90_SIGMAS, recentStd });
  }
  return out;
}
