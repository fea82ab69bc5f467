/**
 * The channels that drove an alert. Each channel is judged on the evidence that fits the kinds of fault a
 * channel can have, all on one scale (standard deviations), and the strongest evidence ranks it:
 *
 * - spike: its last value against the longest window (the z-score);
 * - sudden shift: the shortest window's mean against the longest window's mean and spread;
 * - level out of normal (drift, slow shift, overheating plateau, a dead channel reading 0): the longest window's
 *   mean against the normal level of the channel for this asset type (model reference, see
 *   core/features/channel-normals.ts). A drift over hours cannot be seen any other way: the windows follow it;
 * - noisy (noise burst, loose sensor): the shortest window's std, less what its linear trend explains (a load
 *   change moves a channel fast without making it noisy), against the channel's normal one (reference), as the
 *   ratio minus 1 (5 times the normal noise = 4);
 * - missing: readings of the asset that lack the channel in the shortest window (a channel that disappears),
 *   MISSING_SIGMAS per such reading beyond the first: one lost value is noise, a channel gone for a few
 *   readings stands out;
 * - frozen: the shortest window is perfectly flat (std exactly 0: a stuck sensor repeats its value) on a channel
 *   that moves by nature (its longest window or its normal std is not flat). Zero variance has no sigma scale of
 *   its own (the ratio to normal is infinite), so it counts as FROZEN_SIGMAS: above the noise of the others,
 *   below a gross spike. A channel flat by nature (a setpoint) and without reference is never called frozen.
 *
 * Measured against the simulator's ground truth in tests/unit/alert-workflow-explanations.test.ts.
 * Ties go to the channel name, so the ranking is a pure, deterministic function of the channel summaries.
 */
import type { AlertContributor } from '../events/types.js';
import type { ChannelStat } from '../features/channel-stats.js';

/** Strength given to a frozen recent window (see above). */
export const FROZEN_SIGMAS = 6;
/** Strength of each reading in the shortest window that lacks the channel (see above). */
export const MISSING_SIGMAS = 3;
/** A recent window this small can be flat by chance; below it, flatness is not evidence. */
const MIN_FLAT_EVENTS = 5;

export type EvidenceKind = 'spike' | 'shift' | 'level' | 'noisy' | 'missing' | 'frozen';

export interface ChannelEvidence {
  readonly kind: EvidenceKind;
  /** Signed deviation in standard deviations (frozen: FROZEN_SIGMAS); ranked by its absolute value. */
  readonly sigmas: number;
}

/** The strongest evidence of one channel; on equal strength the earlier kind of EvidenceKind wins. */
export function channelEvidence(c: ChannelStat): ChannelEvidence {
  let best: ChannelEvidence = { kind: 'spike', sigmas: Number.isFinite(c.zScore) ? c.zScore : 0 };
  const consider = (kind: EvidenceKind, sigmas: number) => {
    if (Number.isFinite(sigmas) && Math.abs(sigmas) > Math.abs(best.sigmas)) best = { kind, sigmas };
  };
  if (c.std > 0) consider('shift', (c.recentMean - c.mean) / c.std);
  const normal = c.normal;
  if (normal !== undefined && normal.meanSpread > 0) consider('level', (c.mean - normal.mean) / normal.meanSpread);
  if (normal !== undefined && normal.recentStd > 0) consider('noisy', detrendedStd(c) / normal.recentStd - 1);
  if (c.recentMissingRate > 0 && c.recentMissingRate < 1) {
    // count = present readings, so the readings without the channel are count × rate / (1 - rate).
    const missing = Math.round((c.recentCount * c.recentMissingRate) / (1 - c.recentMissingRate));
    consider('missing', MISSING_SIGMAS * Math.min(missing - 1, 2 * MIN_FLAT_EVENTS));
  }
  const movesByNature = c.std > 0 || (normal !== undefined && normal.recentStd > 0);
  if (c.recentStd === 0 && c.recentCount >= MIN_FLAT_EVENTS && movesByNature) consider('frozen', FROZEN_SIGMAS);
  return best;
}

/** The shortest window's std without its linear trend: a trend of slope s over W adds (s·W)²/12 to the variance. */
function detrendedStd(c: ChannelStat): number {
  const trend = (c.recentSlope * c.recentWindowMs) / 60_000;
  return Math.sqrt(Math.max(0, c.recentStd * c.recentStd - (trend * trend) / 12));
}

/**
 * The `count` channels with the strongest evidence, each with its last value in engineering units and its normal
 * band: the channel's normal level ± sigmas × normal spread when the evidence is against that normal (level, or
 * frozen over the whole longest window), else the longest window's mean ± sigmas × std.
 */
export function topContributors(channels: readonly ChannelStat[], count: number, sigmas: number): AlertContributor[] {
  return channels
    .filter((c) => Number.isFinite(c.value) && Number.isFinite(c.mean) && Number.isFinite(c.std))
    .map((c) => ({ c, e: channelEvidence(c) }))
    .sort((a, b) => Math.abs(b.e.sigmas) - Math.abs(a.e.sigmas) || (a.c.channel < b.c.channel ? -1 : 1))
    .slice(0, count)
    .map(({ c, e }) => {
      const fromNormal = c.normal !== undefined && (e.kind === 'level' || (e.kind === 'frozen' && c.std === 0));
      const [center, spread] = fromNormal ? [c.normal!.mean, c.normal!.meanSpread] : [c.mean, c.std];
      return {
        channel: c.channel,
        // + 0 turns -0 into 0 so the record survives JSON unchanged.
        value: c.value + 0,
        normalLow: center - sigmas * spread + 0,
        normalHigh: center + sigmas * spread + 0,
        zScore: e.sigmas + 0,
      };
    });
}
